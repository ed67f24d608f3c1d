// Keyset pages over an in-memory list: every row once across pages, the exact check's dropped rows
// refilled from further batches, and continue tokens that are refused when tampered with.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FlotillaError } from '@flotilla/shared';
import { collectPage, decodeContinue, encodeContinue } from './list-page.ts';

const rows = Array.from({ length: 23 }, (_, i) => ({ name: `app-${String(i).padStart(2, '0')}`, visible: i % 3 !== 0 }));

function source(limit: number | undefined, after: string | undefined, keep: (r: typeof rows) => typeof rows, fetched: number[] = []) {
  return {
    limit, after, keep,
    fetch: async (from: string | undefined, count: number | undefined) => {
      const rest = rows.filter((r) => from === undefined || r.name > from);
      const batch = count === undefined ? rest : rest.slice(0, count);
      fetched.push(batch.length);
      return batch;
    },
  };
}

async function pages(limit: number, keep: (r: typeof rows) => typeof rows): Promise<string[][]> {
  const out: string[][] = [];
  let after: string | undefined;
  for (;;) {
    const page = await collectPage(source(limit, after, keep));
    out.push(page.items.map((r) => r.name));
    if (!page.more) return out;
    after = page.items[page.items.length - 1]!.name;
  }
}

describe('collectPage', () => {
  const all = (r: typeof rows) => r;
  const visible = (r: typeof rows) => r.filter((x) => x.visible);
  // limit | keep | page sizes
  const cases: [number, typeof all, number[]][] = [
    [10, all, [10, 10, 3]],
    [23, all, [23]],
    [1, all, Array(23).fill(1)],
    [100, all, [23]],
    [5, visible, [5, 5, 5]],
    [4, visible, [4, 4, 4, 3]],
    [15, visible, [15]],
  ];
  for (const [limit, keep, sizes] of cases) {
    it(`limit ${limit}${keep === visible ? ', an exact check dropping rows' : ''}: pages of ${sizes.join(', ')}, each row once`, async () => {
      const got = await pages(limit, keep);
      assert.deepEqual(got.map((p) => p.length), sizes);
      assert.deepEqual(got.flat(), keep(rows).map((r) => r.name));
    });
  }

  it('fills a page from further, larger batches while the check drops rows', async () => {
    const fetched: number[] = [];
    const page = await collectPage(source(2, undefined, (r) => r.filter((x) => x.name >= 'app-15'), fetched));
    assert.deepEqual(page.items.map((r) => r.name), ['app-15', 'app-16']);
    assert.equal(page.more, true);
    assert.deepEqual(fetched, [3, 6, 12]);
  });

  it('answers everything in one fetch without a limit', async () => {
    const fetched: number[] = [];
    const page = await collectPage(source(undefined, 'app-19', all, fetched));
    assert.deepEqual(page.items.map((r) => r.name), ['app-20', 'app-21', 'app-22']);
    assert.equal(page.more, false);
    assert.deepEqual(fetched, [3]);
  });
});

describe('continue tokens', () => {
  it('round-trips the last name', () => assert.equal(decodeContinue('applications', encodeContinue('applications', 'web-7')), 'web-7'));

  // token | message
  const refused: [string, RegExp][] = [
    ['not-a-token', /invalid continue token: pass the metadata.continue/],
    ['', /invalid continue token/],
    [Buffer.from('{"v":2,"k":"applications","a":"x"}').toString('base64url'), /invalid continue token/],
    [Buffer.from('{"v":1,"k":"applications","a":""}').toString('base64url'), /invalid continue token/],
    [Buffer.from('{"v":1,"k":"applications","a":"x\\u0000"}').toString('base64url'), /invalid continue token/],
    ['eyJ2IjoxfQ', /invalid continue token/],
    [encodeContinue('clusters', 'c1'), /it continues a list of clusters, not of applications/],
  ];
  for (const [token, message] of refused) {
    it(`refuses ${JSON.stringify(token)} with a 400`, () => {
      assert.throws(() => decodeContinue('applications', token), (error: unknown) => error instanceof FlotillaError && error.code === 'FLT_ERR_INVALID_INPUT' && message.test(error.message));
    });
  }
});
