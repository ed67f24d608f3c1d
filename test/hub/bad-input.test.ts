// Bad input gets a clear 4xx (or a protocol error and a closed socket) naming what is wrong and
// where, nothing stored changes, and the hub keeps serving.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode } from '@flotilla/shared';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { connectAgent } from '../support/test-agent.ts';

const valid = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
spec:
  project: default
  source:
    repoURL: https://example.invalid/apps.git
    path: guestbook
    targetRevision: HEAD
  destination:
    name: target
    namespace: demo
`;

describe('bad input', () => {
  let t: TestHub;
  before(async () => {
    t = await startTestHub({ maxAgentMessageBytes: 64 * 1024 });
    assert.equal((await t.api('POST', '/api/v1/clusters', { name: 'target' })).status, 201);
  });
  after(() => t.stop(true));

  // body | content type | status | error path (issues[].path) or message fragment
  const rows: [string, string, string, number, string][] = [
    ['YAML syntax error', valid.replace('  path: guestbook', '  path: [guestbook'), 'application/yaml', 400, 'not valid YAML'],
    ['unknown field in spec', valid.replace('    path: guestbook', '    pathh: guestbook'), 'application/yaml', 400, 'spec.source.pathh'],
    ['unknown field in syncPolicy', valid + '  syncPolicy:\n    automated:\n      prunee: true\n', 'application/yaml', 400, 'spec.syncPolicy.automated.prunee'],
    ['wrong type', valid + '  revisionHistoryLimit: ten\n', 'application/yaml', 400, 'spec.revisionHistoryLimit'],
    ['wrong kind', valid.replace('kind: Application', 'kind: AppProject'), 'application/yaml', 400, 'kind'],
    ['two documents', `${valid}---\n${valid}`, 'application/yaml', 400, 'one object'],
    ['unregistered destination', valid.replace('name: target', 'name: nowhere'), 'application/yaml', 400, 'spec.destination.name'],
    ['missing project', valid.replace('project: default', 'project: tenants'), 'application/yaml', 400, 'spec.project'],
    ['broken JSON', '{"apiVersion": ', 'application/json', 400, ''],
    ['JSON array', '[]', 'application/json', 400, ''],
  ];
  for (const [what, body, type, status, where] of rows) {
    it(`refuses an Application with ${what}: ${status}`, async () => {
      const res = await t.api('POST', '/api/v1/applications', body, { contentType: type });
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'FLT_ERR_INVALID_INPUT');
      const text = `${res.body.error.message} ${(res.body.error.issues ?? []).map((i: any) => i.path).join(' ')}`;
      assert.ok(text.includes(where), `expected ${where} in: ${text}`);
    });
  }

  it('accepts the valid one afterwards, and nothing half-created was stored before', async () => {
    const list = await t.api('GET', '/api/v1/applications');
    assert.deepEqual(list.body.items, []);
    const res = await t.api('POST', '/api/v1/applications', valid, { contentType: 'application/yaml' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.metadata.name, 'guestbook');
    const again = await t.api('POST', '/api/v1/applications', valid, { contentType: 'application/yaml' });
    assert.equal(again.status, 409);
  });

  // method | path | body | status
  const apiRows: [string, string, unknown, number][] = [
    ['POST', '/api/v1/clusters', { name: 'Not_A_Label' }, 400],
    ['POST', '/api/v1/clusters', { name: 'ok', labels: { 'bad key!': 'x' } }, 400],
    ['POST', '/api/v1/clusters', { name: 'hub' }, 400],
    ['POST', '/api/v1/clusters', { name: 'target' }, 409],
    ['POST', '/api/v1/repositories', { url: 'ftp://nope' }, 400],
    ['GET', '/api/v1/applications/missing', undefined, 404],
    ['DELETE', '/api/v1/clusters/target', undefined, 409],
    ['PUT', '/api/v1/applications/other', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'guestbook' }, spec: {} }, 400],
    ['POST', '/api/v1/applications/guestbook/sync', { prune: 'yes' }, 400],
    ['GET', '/api/v1/nothing-here', undefined, 404],
  ];
  for (const [method, path, body, status] of apiRows) {
    it(`${method} ${path} ${body ? JSON.stringify(body).slice(0, 40) : ''} → ${status}`, async () => {
      const res = await t.api(method, path, body);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(typeof res.body.error.message, 'string');
      assert.ok(res.body.error.message.length > 5);
    });
  }

  it('refuses API calls without a valid session', async () => {
    assert.equal((await t.api('GET', '/api/v1/applications', undefined, { token: null })).status, 401);
    assert.equal((await t.api('GET', '/api/v1/applications', undefined, { token: 'flt_s_forged' })).status, 401);
    const login = await t.api('POST', '/api/v1/session', { username: 'admin', password: 'wrong' }, { token: null });
    assert.equal(login.status, 401);
  });

  // frame | close code | error fragment
  const frames: [string, number, string][] = [
    ['this is not json', CloseCode.protocolError, 'not JSON'],
    ['{"type":"heartbeat"}', CloseCode.protocolError, 'expected hello first'],
    ['{"type":"status","app":"guestbook","seq":1}', CloseCode.protocolError, 'status'],
    ['{"type":"mystery"}', CloseCode.protocolError, 'unknown message type'],
    ['{"type":"hello","protocol":99,"agentVersion":"x","lastRevision":0}', CloseCode.unsupportedVersion, 'protocol'],
    ['{"type":"hello","protocol":1,"agentVersion":"x","lastRevision":-5}', CloseCode.protocolError, 'lastRevision'],
  ];
  for (const [frame, code, fragment] of frames) {
    it(`closes an agent socket on ${frame.slice(0, 50)}`, async () => {
      const token = (await t.api('POST', '/api/v1/clusters/target/bootstrap-token')).body.bootstrapToken;
      const agent = await connectAgent(t.hub.url, token);
      agent.send(frame);
      const closed = await agent.closed;
      assert.equal(closed.code, code);
      const error = agent.received.find((m) => m.type === 'error');
      assert.ok(error && error.type === 'error' && error.message.includes(fragment), JSON.stringify(error));
    });
  }

  it('closes a socket whose message is over the size limit, then serves the next agent', async () => {
    const token = (await t.api('POST', '/api/v1/clusters/target/bootstrap-token')).body.bootstrapToken;
    const agent = await connectAgent(t.hub.url, token);
    agent.hello(0);
    await agent.next('welcome');
    agent.send(JSON.stringify({ type: 'heartbeat', pad: 'x'.repeat(100 * 1024) }));
    const closed = await agent.closed;
    assert.equal(closed.code, 1009);
    const fresh = await connectAgent(t.hub.url, (await t.api('POST', '/api/v1/clusters/target/bootstrap-token')).body.bootstrapToken);
    fresh.hello(0);
    const snapshot = await fresh.next('snapshot');
    assert.deepEqual(snapshot.assignments.map((a) => a.app), ['guestbook']);
    fresh.close();
  });

  it('serves the OpenAPI document, and every API route in it declares its security', async () => {
    const res = await t.api('GET', '/api/openapi.json', undefined, { token: null });
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.0.3');
    for (const path of ['/api/v1/applications/', '/api/v1/clusters/', '/api/v1/applications/{name}/sync', '/api/webhook']) {
      assert.ok(Object.keys(res.body.paths).includes(path), `${path} missing from OpenAPI`);
    }
  });
});
