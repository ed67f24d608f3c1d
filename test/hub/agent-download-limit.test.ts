// The agent's download cap against a real HTTP server: an answer that declares a length over the
// cap is refused before its body is read, one without a length (chunked) is cut off once it passes
// the cap, and one within the cap is parsed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getJson, TooLargeError } from '../../agent/src/link/http-get.ts';

describe('agent download limit', () => {
  let server: Server;
  let url: string;
  let bodyBytesSent = 0;
  before(async () => {
    server = createServer((req, res) => {
      const size = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('size'));
      const body = JSON.stringify({ pad: 'x'.repeat(size - 10) });
      if (req.url?.startsWith('/declared')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      // Chunked, 1 KiB at a time, as long as the client reads.
      res.writeHead(200, { 'content-type': 'application/json' });
      let at = 0;
      const next = () => {
        while (at < body.length) {
          const chunk = body.slice(at, at + 1024);
          at += chunk.length;
          bodyBytesSent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', next);
        }
        res.end();
      };
      res.on('close', () => (at = body.length));
      next();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses an answer declaring more than the cap', async () => {
    await assert.rejects(getJson(`${url}/declared?size=5000`, { headers: {}, maxBytes: 4096 }), (error: unknown) => {
      assert.ok(error instanceof TooLargeError);
      assert.match(error.message, /larger than the limit of 4096 bytes \(5000 bytes declared\)/);
      return true;
    });
  });

  it('cuts off a chunked answer once it passes the cap', async () => {
    bodyBytesSent = 0;
    await assert.rejects(getJson(`${url}/chunked?size=${64 * 1024 * 1024}`, { headers: {}, maxBytes: 100_000 }), TooLargeError);
    assert.ok(bodyBytesSent < 32 * 1024 * 1024, `the server got to send ${bodyBytesSent} bytes`);
  });

  it('parses answers within the cap, declared or chunked', async () => {
    assert.equal((await getJson<{ pad: string }>(`${url}/declared?size=4096`, { headers: {}, maxBytes: 4096 })).pad.length, 4086);
    assert.equal((await getJson<{ pad: string }>(`${url}/chunked?size=4096`, { headers: {}, maxBytes: 4096 })).pad.length, 4086);
  });
});
