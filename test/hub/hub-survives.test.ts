// No input kills the hub (issue 13, points 1–3): a socket whose frame would make an over-long close
// reason, PostgreSQL going away under the poller, and deeply nested request bodies from anyone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloseCode } from '@flotilla/shared';
import { eventually, startTestHub, type TestHub } from '../support/hub.ts';
import { connectAgent } from '../support/test-agent.ts';
import { testLogger } from '../support/secret-ledger.ts';

describe('a hostile agent socket', () => {
  let t: TestHub;
  before(async () => {
    t = await startTestHub();
  });
  after(() => t.stop(true));

  const bootstrap = async (name: string): Promise<string> => {
    const res = await t.api('POST', '/api/v1/clusters', { name });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.bootstrapToken as string;
  };

  it('answers a 200-byte multi-byte type before hello with a close, and the hub still serves /readyz', async () => {
    const agent = await connectAgent(t.hub.url, await bootstrap('multibyte'));
    agent.send({ type: 'ж'.repeat(100) });
    const closed = await agent.closed;
    assert.equal(closed.code, CloseCode.protocolError);
    assert.ok(Buffer.byteLength(closed.reason) <= 123);
    assert.match(closed.reason, /unknown message type/);
    assert.equal((await fetch(`${t.hub.url}/readyz`)).status, 200);
  });

  it('does the same for an established session, and other agents keep working', async () => {
    const good = await connectAgent(t.hub.url, await bootstrap('steady'));
    good.hello(0);
    await good.next('welcome');
    const bad = await connectAgent(t.hub.url, await bootstrap('hostile'));
    bad.hello(0);
    await bad.next('welcome');
    bad.send({ type: '😀'.repeat(60), padding: 'é'.repeat(500) });
    assert.equal((await bad.closed).code, CloseCode.protocolError);
    good.send({ type: 'status', app: 'none', seq: 1, status: { sync: { status: 'Synced' }, health: { status: 'Healthy' }, resources: [], reconciledAt: new Date().toISOString() } });
    await good.next('status.ack');
    good.close();
  });
});

describe('PostgreSQL away under the poller', () => {
  it('logs failed poll rounds and keeps the hub process serving', async () => {
    const t = await startTestHub({ pollIntervalMs: 100, log: testLogger('hub-test', { stderrLevel: 'fatal' }) });
    const dataDirectory = (await t.hub.ctx.pool.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
    const postmaster = Number(readFileSync(join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0]);
    let rejections = 0;
    const onRejection = () => rejections++;
    process.on('unhandledRejection', onRejection);
    try {
      process.kill(postmaster, 'SIGINT'); // fast shutdown: the server is gone, the pool is not
      await eventually('PostgreSQL to exit', async () => {
        try {
          process.kill(postmaster, 0);
          return false;
        } catch {
          return true;
        }
      });
      await new Promise((r) => setTimeout(r, 1500)); // several poll rounds with no database
      assert.equal(rejections, 0, 'a poll round rejected unobserved');
      assert.equal((await fetch(`${t.hub.url}/healthz`)).status, 200);
      assert.equal((await fetch(`${t.hub.url}/readyz`)).status, 503);
    } finally {
      process.off('unhandledRejection', onRejection);
      await t.stop(true).catch(() => {});
    }
  });
});

describe('deeply nested request bodies', () => {
  let t: TestHub;
  before(async () => {
    t = await startTestHub();
  });
  after(() => t.stop(true));

  const deepYaml = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
  const deepJson = `{"apiVersion":"argoproj.io/v1alpha1","kind":"Application","metadata":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;

  // body | content type | token | status
  const rows: [string, string, string, boolean, number][] = [
    ['deep YAML', deepYaml, 'application/yaml', false, 401],
    ['deep JSON', deepJson, 'application/json', false, 401],
    ['deep YAML', deepYaml, 'application/yaml', true, 400],
    ['deep JSON', deepJson, 'application/json', true, 400],
  ];
  for (const [what, body, type, authenticated, status] of rows) {
    it(`answers ${what} ${authenticated ? 'from admin' : 'from anyone'} with ${status}`, async () => {
      const res = await t.api('POST', '/api/v1/applications', body, { contentType: type, ...(authenticated ? {} : { token: null }) });
      assert.equal(res.status, status, JSON.stringify(res.body).slice(0, 300));
      if (status === 400) assert.match(res.body.error.message, /nests deeper than 64 levels/);
      assert.equal((await fetch(`${t.hub.url}/readyz`)).status, 200);
    });
  }

  it('refuses a YAML body over 1 MiB with 413 before parsing it', async () => {
    const big = `apiVersion: v1\nkind: Application\nmetadata:\n  name: x\n  annotations:\n    a: "${'x'.repeat(1024 * 1024)}"\n`;
    const res = await t.api('POST', '/api/v1/applications', big, { contentType: 'application/yaml' });
    assert.equal(res.status, 413, JSON.stringify(res.body).slice(0, 300));
  });
});
