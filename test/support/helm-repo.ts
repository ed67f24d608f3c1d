// A real HTTP Helm chart repository on loopback for tests: chart directories packaged with
// `helm package`, indexed with `helm repo index` (relative chart URLs, as many repositories
// serve them), served by a small Node HTTP server with optional basic auth. It counts requests
// by path, so a test can see what helm fetched.
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** Credentials the repository demands, if any. */
export interface BasicAuth {
  username: string;
  password: string;
}

/** A running Helm repository. */
export interface HelmRepo {
  /** The repository URL (index at `${url}/index.yaml`). */
  url: string;
  /** Requests answered, by path (`/index.yaml`, `/web-0.1.0.tgz`); unauthorized ones under `401 <path>`. */
  requests: Map<string, number>;
  /** Packages one more chart directory into the repository and re-indexes it. */
  addChart(chartDir: string): void;
  close(): Promise<void>;
}

/** Packages `charts` (chart directories) with `helm` and serves them on 127.0.0.1. */
export async function startHelmRepo(helm: string, charts: string[], options: { auth?: BasicAuth } = {}): Promise<HelmRepo> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-helm-repo-'));
  const env = { ...process.env, HELM_CACHE_HOME: join(dir, '.cache'), HELM_CONFIG_HOME: join(dir, '.config'), HELM_DATA_HOME: join(dir, '.data') };
  mkdirSync(join(dir, 'charts'));
  const addChart = (chart: string) => {
    execFileSync(helm, ['package', chart, '--destination', join(dir, 'charts')], { env, stdio: 'pipe' });
    execFileSync(helm, ['repo', 'index', join(dir, 'charts')], { env, stdio: 'pipe' });
  };
  for (const chart of charts) addChart(chart);
  const requests = new Map<string, number>();
  const expected = options.auth ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}` : undefined;
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (expected && req.headers.authorization !== expected) {
      count(requests, `401 ${path}`);
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="helm"' }).end('unauthorized\n');
      return;
    }
    count(requests, path);
    const file = join(dir, 'charts', basename(path));
    if (!/^\/[\w.-]+\.(yaml|tgz)$/.test(path) || !existsSync(file)) {
      res.writeHead(404).end('not found\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': path.endsWith('.yaml') ? 'application/x-yaml' : 'application/gzip' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    addChart,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
