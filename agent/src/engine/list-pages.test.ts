// Walking list pages: every page's items in order, the snapshot's resourceVersion, a restart when a
// continue token expires, and the limits of that.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectPages, type ListPage } from './list-pages.ts';

class Expired extends Error {}
const isExpired = (e: unknown) => e instanceof Expired;

/** A scripted collection: each call answers the next entry (a page, or an error to throw), recording the token it was given. */
function script(answers: (ListPage<number> | Error)[]) {
  const tokens: (string | undefined)[] = [];
  const fetch = async (token: string | undefined) => {
    tokens.push(token);
    const next = answers.shift();
    if (!next) throw new Error('asked for more pages than scripted');
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch, tokens };
}
const page = (items: number[], rv: string, cont?: string): ListPage<number> => ({ metadata: { resourceVersion: rv, ...(cont ? { continue: cont } : {}) }, items });

describe('collectPages', () => {
  it('reads every page, passing each continue token on', async () => {
    const s = script([page([1, 2], '10', 'c1'), page([3, 4], '10', 'c2'), page([5], '10')]);
    assert.deepEqual(await collectPages(s.fetch, isExpired), { resourceVersion: '10', items: [1, 2, 3, 4, 5] });
    assert.deepEqual(s.tokens, [undefined, 'c1', 'c2']);
  });

  it('an empty continue token ends the list', async () => {
    const s = script([page([1], '3', '')]);
    assert.deepEqual(await collectPages(s.fetch, isExpired), { resourceVersion: '3', items: [1] });
  });

  it('starts over from the first page when a continue token expired, dropping what it had', async () => {
    const s = script([page([1, 2], '10', 'c1'), new Expired(), page([1, 2], '20', 'd1'), page([3], '20')]);
    assert.deepEqual(await collectPages(s.fetch, isExpired), { resourceVersion: '20', items: [1, 2, 3] });
    assert.deepEqual(s.tokens, [undefined, 'c1', undefined, 'd1']);
  });

  it('gives up after three restarts', async () => {
    const s = script(Array.from({ length: 4 }, () => [page([1], '1', 'c'), new Expired()]).flat());
    await assert.rejects(collectPages(s.fetch, isExpired), Expired);
    assert.equal(s.tokens.length, 8);
  });

  // case | answers
  const failures: [string, (ListPage<number> | Error)[]][] = [
    ['another error on a later page is thrown', [page([1], '1', 'c'), new Error('boom')]],
    ['an expiry on the first page is thrown (no token of ours expired)', [new Expired()]],
  ];
  for (const [name, answers] of failures) it(name, async () => assert.rejects(collectPages(script(answers).fetch, isExpired)));
});
