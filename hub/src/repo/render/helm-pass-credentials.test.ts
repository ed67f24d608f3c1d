// helm.passCredentials against the real helm: a Helm repository on 127.0.0.1 with basic auth whose
// index points the chart's tarball at another host name (localhost, same server), as charts hosted
// on a CDN or a release host are. helm sends the repository's credentials only to the repository's
// own host unless told `--pass-credentials`: without helm.passCredentials the tarball is a 401; with
// it the chart renders. The server records which requests carried the credentials.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderHelmRepoChart } from './helm.ts';
import { findTools } from './tools.ts';
import type { RenderRequest } from './types.ts';

const helm = findTools().helm!;
const AUTH = { username: 'charts', password: 'cdn-s3cret' };
const expected = `Basic ${Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64')}`;
const top = mkdtempSync(join(tmpdir(), 'flotilla-pass-credentials-'));
const seen: string[] = [];
let server: Server;
let repoURL = '';

before(async () => {
  const charts = join(top, 'charts');
  mkdirSync(charts);
  const env = { ...process.env, HELM_CACHE_HOME: join(top, '.cache'), HELM_CONFIG_HOME: join(top, '.config'), HELM_DATA_HOME: join(top, '.data') };
  execFileSync(helm, ['package', new URL('./testdata/helm/library/remote-app', import.meta.url).pathname, '--destination', charts], { env, stdio: 'pipe' });
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const authed = req.headers.authorization === expected;
    seen.push(`${req.headers.host?.split(':')[0]} ${path} ${authed ? 'with' : 'without'} credentials`);
    const file = join(charts, basename(path));
    if (!authed) res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="helm"' }).end('unauthorized\n');
    else if (!/^\/[\w.-]+\.(yaml|tgz)$/.test(path) || !existsSync(file)) res.writeHead(404).end('not found\n');
    else createReadStream(file).pipe(res.writeHead(200));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  repoURL = `http://127.0.0.1:${port}`;
  // The index names the tarball on another host: absolute URLs under localhost.
  execFileSync(helm, ['repo', 'index', charts, '--url', `http://localhost:${port}`], { env, stdio: 'pipe' });
});
after(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  rmSync(top, { recursive: true, force: true });
});

function request(helmSpec: Record<string, unknown>): RenderRequest {
  const dir = mkdtempSync(join(top, 'render-'));
  mkdirSync(join(dir, 'repo'));
  return {
    root: join(dir, 'repo'), path: '', refs: {}, source: { repoURL, chart: 'remote-app', targetRevision: '2.0.0', helm: helmSpec },
    appName: 'shop', namespace: 'apps', capabilities: { kubeVersion: 'v1.34.4', apiVersions: [] }, tools: { helm },
    bounds: { timeoutMs: 60_000, maxOutputBytes: 16 << 20 }, kustomizeBuildOptions: [], helmCredentials: (url) => (url.startsWith(repoURL) ? AUTH : undefined),
  };
}

describe('helm.passCredentials: the repository\'s credentials for a tarball on another host', () => {
  // helm spec | whether it renders | what the tarball host (localhost) was sent
  const rows: [string, Record<string, unknown>, boolean, string][] = [
    ['not set: helm keeps the credentials to the repository\'s host, the tarball is refused', {}, false, 'localhost /remote-app-2.0.0.tgz without credentials'],
    ['false: the same', { passCredentials: false }, false, 'localhost /remote-app-2.0.0.tgz without credentials'],
    ['true: helm --pass-credentials sends them to the tarball\'s host too', { passCredentials: true }, true, 'localhost /remote-app-2.0.0.tgz with credentials'],
  ];
  for (const [name, spec, renders, tarball] of rows) {
    it(name, async () => {
      seen.length = 0;
      const result = await renderHelmRepoChart(request(spec), { repoURL, chart: 'remote-app', version: '2.0.0' });
      assert.ok(seen.includes('127.0.0.1 /index.yaml with credentials'), seen.join('\n'));
      assert.ok(seen.includes(tarball), seen.join('\n'));
      if (!renders) {
        assert.ok(!result.ok);
        assert.match(result.errors[0]!.message, /401/);
        return;
      }
      assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
      assert.ok(result.manifests.some((m) => (m as { kind: string }).kind === 'ConfigMap'));
    });
  }
});
