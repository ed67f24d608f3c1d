// The loopback fetch proxy kustomize runs behind when remote bases are allowed (fetch-proxy.ts),
// driven over real sockets: a CONNECT tunnel and an absolute-URI request to a listed host are
// relayed; an unlisted host, a metadata address and a non-proxy request are refused with a 403
// whose reason is kept; the byte budget cuts a relay off.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { startFetchProxy } from '../../hub/src/repo/render/fetch-proxy.ts';
import { remotePolicyOf } from '../../hub/src/repo/render/remote-sources.ts';

let origin: Server;
let port = 0;
before(async () => {
  origin = createServer((req, res) => res.end(req.url === '/big' ? 'x'.repeat(64 << 10) : `hello ${req.url}`));
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  port = (origin.address() as { port: number }).port;
});
after(() => new Promise((resolve) => origin.close(resolve)));

/** Sends `CONNECT target` through the proxy and answers the status line and, when tunnelled, what a GET through the tunnel got. */
function tunnel(proxyUrl: string, target: string): Promise<{ status: string; body: string }> {
  const { port: proxyPort } = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(proxyPort), '127.0.0.1', () => socket.write(`CONNECT ${target} HTTP/1.1\r\nhost: ${target}\r\n\r\n`));
    let data = '';
    let sent = false;
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (!sent && data.startsWith('HTTP/1.1 200')) {
        sent = true;
        socket.write(`GET /through HTTP/1.1\r\nhost: ${target}\r\nconnection: close\r\n\r\n`);
      }
    });
    socket.on('end', () => resolve({ status: data.split('\r\n')[0]!, body: data }));
    socket.on('error', reject);
  });
}

function viaProxy(proxyUrl: string, url: string): Promise<{ status: number; body: string }> {
  const proxy = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: proxy.hostname, port: proxy.port, path: url, headers: { host: url.startsWith('http') ? new URL(url).host : 'localhost' } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('fetch proxy', () => {
  it('tunnels CONNECT to a listed host and refuses an unlisted one', async () => {
    const proxy = await startFetchProxy(remotePolicyOf(['127.0.0.1']));
    try {
      const ok = await tunnel(proxy.url, `127.0.0.1:${port}`);
      assert.equal(ok.status, 'HTTP/1.1 200 Connection Established');
      assert.match(ok.body, /hello \/through/);
      const refused = await tunnel(proxy.url, `127.0.0.2:${port}`);
      assert.equal(refused.status, 'HTTP/1.1 403 Forbidden');
      assert.match(refused.body, /127\.0\.0\.2 is not in FLOTILLA_REMOTE_SOURCES/);
      assert.deepEqual(proxy.relayed, [`127.0.0.1:${port}`]);
      assert.deepEqual(proxy.refusals.map((r) => r.target), [`127.0.0.2:${port}`]);
    } finally {
      await proxy.close();
    }
  });

  it('refuses a metadata address even when everything is listed', async () => {
    const proxy = await startFetchProxy(remotePolicyOf(['*']));
    try {
      const refused = await tunnel(proxy.url, '169.254.169.254:443');
      assert.equal(refused.status, 'HTTP/1.1 403 Forbidden');
      assert.match(refused.body, /169\.254\.169\.254 is a cloud metadata address/);
    } finally {
      await proxy.close();
    }
  });

  it('forwards an absolute http request to a listed host, refuses others and non-proxy requests', async () => {
    const proxy = await startFetchProxy(remotePolicyOf(['127.0.0.1']));
    try {
      assert.deepEqual(await viaProxy(proxy.url, `http://127.0.0.1:${port}/file.yaml`), { status: 200, body: 'hello /file.yaml' });
      const refused = await viaProxy(proxy.url, `http://127.0.0.2:${port}/file.yaml`);
      assert.equal(refused.status, 403);
      assert.match(refused.body, /127\.0\.0\.2 is not in FLOTILLA_REMOTE_SOURCES/);
      assert.equal((await viaProxy(proxy.url, '/relative')).status, 403);
    } finally {
      await proxy.close();
    }
  });

  it('cuts a relay off at the byte budget', async () => {
    const proxy = await startFetchProxy(remotePolicyOf(['127.0.0.1']), { maxBytes: 1024 });
    try {
      const got = await viaProxy(proxy.url, `http://127.0.0.1:${port}/big`).catch((error: Error) => ({ status: -1, body: error.message }));
      assert.ok(got.body.length < 64 << 10, `relayed ${got.body.length} bytes`);
    } finally {
      await proxy.close();
    }
  });
});
