// A real OCI registry on loopback for tests: the CNCF distribution registry that build-tools.sh
// builds from the Go module proxy, plain http on a free port, storage in a temporary folder.
// With `auth`, clients reach it through a small Node proxy that demands basic auth (the registry's
// own htpasswd wants bcrypt hashes, which nothing here makes); pushChart pushes to the registry
// itself. Charts are pushed with `helm push`, as a user publishes them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../cluster/ports.ts';
import { startProcess, stopProcess } from '../cluster/processes.ts';
import { toolPath } from '../cluster/tools.ts';
import type { BasicAuth } from './helm-repo.ts';

/** A running registry. */
export interface OciRegistry {
  /** `host:port` clients use (the auth proxy's when auth is on). */
  host: string;
  /** Packages a chart directory and pushes it under `oci://<registry>/<repository>`. */
  pushChart(helm: string, chartDir: string, repository: string): void;
  close(): Promise<void>;
}

/** Starts a registry on 127.0.0.1 and waits until it answers `/v2/`. */
export async function startOciRegistry(options: { auth?: BasicAuth } = {}): Promise<OciRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-oci-'));
  const port = await freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(config, [
    'version: 0.1',
    'log: { level: warn }',
    `storage: { filesystem: { rootdirectory: ${JSON.stringify(join(dir, 'data'))} }, delete: { enabled: true } }`,
    `http: { addr: "127.0.0.1:${port}" }`,
    '',
  ].join('\n'));
  const proc = startProcess('registry', toolPath('registry'), ['serve', config], join(dir, 'registry.log'));
  await waitForRegistry(port);
  const proxy = options.auth ? await startAuthProxy(port, options.auth) : undefined;
  const proxyPort = proxy ? (proxy.address() as AddressInfo).port : port;
  return {
    host: `127.0.0.1:${proxyPort}`,
    pushChart(helm, chartDir, repository) {
      const env = { ...process.env, HELM_CACHE_HOME: join(dir, '.cache'), HELM_CONFIG_HOME: join(dir, '.config'), HELM_DATA_HOME: join(dir, '.data') };
      const out = mkdtempSync(join(dir, 'pkg-'));
      const packaged = execFileSync(helm, ['package', chartDir, '--destination', out], { env, encoding: 'utf8' });
      const tgz = /saved it to: (.+)$/m.exec(packaged)?.[1]?.trim();
      if (!tgz) throw new Error(`helm package said: ${packaged}`);
      execFileSync(helm, ['push', tgz, `oci://127.0.0.1:${port}/${repository}`, '--plain-http'], { env, stdio: 'pipe' });
    },
    close: async () => {
      if (proxy) {
        proxy.closeAllConnections();
        await new Promise<void>((resolve) => proxy.close(() => resolve()));
      }
      await stopProcess(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForRegistry(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = await new Promise<number>((resolve) => {
      request({ host: '127.0.0.1', port, path: '/v2/' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', () => resolve(0)).end();
    });
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`the OCI registry on port ${port} did not answer /v2/ within 20 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A loopback proxy to the registry that answers 401 with a Basic challenge unless the credentials match. */
async function startAuthProxy(registryPort: number, auth: BasicAuth): Promise<Server> {
  const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const server = createServer((req, res) => {
    if (req.headers.authorization !== expected) {
      req.resume();
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="flotilla-test"', 'Docker-Distribution-Api-Version': 'registry/2.0' }).end();
      return;
    }
    const headers = { ...req.headers };
    delete headers.authorization;
    const upstream = request({ host: '127.0.0.1', port: registryPort, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
