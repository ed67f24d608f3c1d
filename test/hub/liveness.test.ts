// Liveness is explicit: the hub heartbeats every interval, closes a socket that stays silent for
// three of them (4408), and shows the cluster Unknown; an agent that answers stays Successful.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode } from '@flotilla/shared';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { connectAgent } from '../support/test-agent.ts';

describe('liveness', () => {
  let t: TestHub;
  before(async () => {
    t = await startTestHub({ heartbeatIntervalMs: 200, missedHeartbeats: 3 });
  });
  after(() => t.stop(true));

  async function register(name: string, answerHeartbeats: boolean) {
    const added = await t.api('POST', '/api/v1/clusters', { name });
    const agent = await connectAgent(t.hub.url, added.body.bootstrapToken, { answerHeartbeats });
    agent.hello(0);
    await agent.next('welcome');
    return agent;
  }

  it('keeps an answering agent Successful and closes a silent one as Unknown', async () => {
    const alive = await register('alive', true);
    const silent = await register('silent', false);
    const welcome = silent.received.find((m) => m.type === 'welcome');
    assert.equal(welcome?.type === 'welcome' && welcome.heartbeatIntervalMs, 200);
    const closed = await silent.closed;
    assert.equal(closed.code, CloseCode.timeout);
    assert.ok(silent.received.filter((m) => m.type === 'heartbeat').length >= 2, 'the hub sent heartbeats before giving up');
    await eventually('silent shows Unknown', async () => (await t.api('GET', '/api/v1/clusters/silent')).body.info.connectionState.status === 'Unknown', 5000);
    const state = (await t.api('GET', '/api/v1/clusters/alive')).body.info.connectionState;
    assert.equal(state.status, 'Successful', JSON.stringify(state));
    alive.close();
    await eventually('alive shows Unknown once it disconnected', async () => (await t.api('GET', '/api/v1/clusters/alive')).body.info.connectionState.status === 'Unknown', 5000);
  });
});
