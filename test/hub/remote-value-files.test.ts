// FLOTILLA_REMOTE_SOURCES through a whole hub: an application whose Helm value file is a URL on a
// loopback HTTP server renders with it when the hub lists the host (hub option remoteSources), a
// changed remote file gives a new bundle at the next refresh, and a hub without the setting gives
// a ComparisonError naming it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { listApplications } from '../../hub/src/store/applications.ts';

let values = 'greeting: first\n';
let server: Server;
let valuesURL = '';
let git: GitServer;
let repoURL = '';

before(async () => {
  server = createServer((_req, res) => res.end(values));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  valuesURL = `http://127.0.0.1:${(server.address() as { port: number }).port}/values-prod.yaml`;
  git = await startGitServer();
  git.createRepo('charts', {
    'greeter/Chart.yaml': 'apiVersion: v2\nname: greeter\nversion: 0.1.0\n',
    'greeter/values.yaml': 'greeting: from-the-chart\n',
    'greeter/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeter\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
  });
  repoURL = `${git.url}/charts.git`;
});
after(async () => {
  await new Promise((resolve) => server.close(resolve));
  await git.close();
});

async function withApp(t: TestHub): Promise<() => Promise<any>> {
  assert.equal((await t.api('POST', '/api/v1/clusters', { name: 'edge' })).status, 201);
  const res = await t.api('POST', '/api/v1/applications', {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'greeter' },
    spec: { source: { repoURL, path: 'greeter', targetRevision: 'main', helm: { valueFiles: [valuesURL] } }, destination: { name: 'edge', namespace: 'apps' } },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return async () => {
    await t.hub.ctx.repo.refresh(await listApplications(t.hub.ctx.pool));
    return (await t.api('GET', '/api/v1/applications/greeter')).body.status;
  };
}

describe('remote value files through the hub', () => {
  it('renders with the remote file when the host is listed, and again when it changes', async () => {
    const t = await startTestHub({ pollIntervalMs: 3_600_000, remoteSources: ['127.0.0.1'] });
    try {
      const refresh = await withApp(t);
      const first = await refresh();
      assert.deepEqual(first.conditions ?? [], [], JSON.stringify(first.conditions));
      assert.ok(first.bundle, 'rendered');
      values = 'greeting: second\n';
      const second = await refresh();
      assert.deepEqual(second.conditions ?? [], []);
      assert.notEqual(second.bundle, first.bundle, 'a changed remote file is a new bundle');
    } finally {
      await t.stop(true);
    }
  });

  // Content-keyed once service.ts passes remoteSources to SourceLookup (docs/rendering.md); until then a render that read a remote file is never reused.
  it('does not render again while the remote file is unchanged', async () => {
    const t = await startTestHub({ pollIntervalMs: 3_600_000, remoteSources: ['127.0.0.1'] });
    try {
      const refresh = await withApp(t);
      await refresh();
      const renders = t.hub.ctx.repo.stats.renders;
      await refresh();
      assert.equal(t.hub.ctx.repo.stats.renders, renders, 'no render for unchanged content');
    } finally {
      await t.stop(true);
    }
  });

  it('gives a ComparisonError naming the setting when the hub does not list the host', async () => {
    const t = await startTestHub({ pollIntervalMs: 3_600_000 });
    try {
      const status = await (await withApp(t))();
      const condition = (status.conditions ?? []).find((c: { type: string }) => c.type === 'ComparisonError');
      assert.ok(condition, JSON.stringify(status));
      assert.match(condition.message, /helm\.valueFiles\[0\]: "http:\/\/127\.0\.0\.1:\d+\/values-prod\.yaml" is refused: the hub fetches remote files only from hosts listed in FLOTILLA_REMOTE_SOURCES \(hub option remoteSources\), which is not set/);
    } finally {
      await t.stop(true);
    }
  });

  it('refuses to start with an unreadable entry, naming the setting', async () => {
    await assert.rejects(startTestHub({ remoteSources: ['https://raw.example.org'] }), /FLOTILLA_REMOTE_SOURCES \(hub option remoteSources\): entry "https:\/\/raw\.example\.org" is neither/);
  });
});
