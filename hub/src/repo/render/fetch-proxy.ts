// A small HTTP proxy on loopback that the tools fetching remote Kustomize bases go through
// (HTTPS_PROXY / HTTP_PROXY in kustomize's environment), so what a fetched base fetches in turn
// (a nested remote base, a remote file resource) is held to FLOTILLA_REMOTE_SOURCES and the URL
// policy too, not only the entries the walk saw up front. It answers CONNECT (https: the tunnel's
// host and port are checked, then the connection is made to an address checked in the socket's
// own DNS lookup) and absolute-URI requests (plain http: the URL is checked and the request
// forwarded the same way). A refusal is a 403 whose reason is kept for the render's error. Bounded:
// one proxy per render, a few connections at a time, a byte budget over everything it relays, an
// idle timeout per connection. Go programs do not proxy loopback destinations (net/http's
// httpproxy rule): docs/security.md says so.
import { createServer, request as httpRequest, Agent as HttpAgent, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, isIP, type Socket } from 'node:net';
import type { UrlPolicy, Verdict } from '../url-policy.ts';
import { redactRepoUrl } from '../url-userinfo.ts';
import { remoteLookup } from './remote-files.ts';
import { checkRemoteUrl } from './remote-sources.ts';

/** How much a proxy relays: connections at once, bytes in all, idle time per connection. */
export interface ProxyBounds {
  maxConnections: number;
  maxBytes: number;
  idleMs: number;
}

/** A running proxy: its URL for HTTPS_PROXY, what it refused, and close(). */
export interface FetchProxy {
  url: string;
  /** Each refused destination with the reason, in order. */
  refusals: { target: string; reason: string }[];
  /** Destinations relayed (host:port for tunnels, the URL for http). */
  relayed: string[];
  close(): Promise<void>;
}

const DEFAULT_BOUNDS: ProxyBounds = { maxConnections: 16, maxBytes: 512 << 20, idleMs: 30_000 };

/** Starts a proxy on 127.0.0.1 that relays only what `policy` (FLOTILLA_REMOTE_SOURCES) allows. */
export async function startFetchProxy(policy: UrlPolicy, bounds: Partial<ProxyBounds> = {}): Promise<FetchProxy> {
  const limits = { ...DEFAULT_BOUNDS, ...bounds };
  const refusals: FetchProxy['refusals'] = [];
  const relayed: string[] = [];
  const lookup = remoteLookup(policy);
  const agent = new HttpAgent({ lookup, keepAlive: false });
  let bytes = 0;
  const count = (n: number) => {
    bytes += n;
    return bytes <= limits.maxBytes;
  };
  const sockets = new Set<Socket>();
  const refuse = (target: string, reason: string) => {
    refusals.push({ target, reason });
    return reason;
  };

  const server = createServer((req, res) => forward(req, res));
  server.maxConnections = limits.maxConnections;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.setTimeout(limits.idleMs, () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });

  // https: CONNECT host:port, checked as https://host:port/.
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    const parsed = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(target);
    const verdict: Verdict = parsed ? checkRemoteUrl(`https://${target}/`, policy) : { ok: false, reason: 'not a host:port' };
    if (!verdict.ok || !parsed) return void client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\n${refuse(target, verdict.ok ? 'not a host:port' : verdict.reason)}\n`);
    const host = parsed[1]!.replace(/^\[|\]$/g, '');
    const upstream = connect({ host, port: Number(parsed[2]), ...(isIP(host) ? {} : { lookup }) });
    sockets.add(upstream);
    upstream.setTimeout(limits.idleMs, () => upstream.destroy());
    upstream.on('close', () => sockets.delete(upstream));
    upstream.once('connect', () => {
      relayed.push(target);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      relay(client, upstream, count);
      relay(upstream, client, count);
    });
    upstream.once('error', (error: Error & { code?: string }) => {
      const reason = error.code === 'FLT_REMOTE_REFUSED' ? refuse(target, error.message) : `cannot connect to ${target}: ${error.message}`;
      client.end(`HTTP/1.1 ${error.code === 'FLT_REMOTE_REFUSED' ? '403 Forbidden' : '502 Bad Gateway'}\r\ncontent-type: text/plain\r\n\r\n${reason}\n`);
    });
    client.on('error', () => upstream.destroy());
  });

  // plain http: an absolute-URI request, checked and forwarded.
  function forward(req: IncomingMessage, res: ServerResponse): void {
    const target = req.url ?? '';
    const verdict = /^http:\/\//i.test(target) ? checkRemoteUrl(target, policy) : { ok: false as const, reason: 'the proxy relays only absolute http:// requests and CONNECT' };
    if (!verdict.ok) return void res.writeHead(403, { 'content-type': 'text/plain' }).end(`${refuse(redactRepoUrl(target), verdict.reason)}\n`);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(target, { method: req.method, headers, agent }, (answer) => {
      relayed.push(redactRepoUrl(target));
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on('data', (chunk: Buffer) => (count(chunk.length) ? res.write(chunk) : (answer.destroy(), res.destroy())));
      answer.on('end', () => res.end());
    });
    upstream.on('error', (error: Error & { code?: string }) => {
      const reason = error.code === 'FLT_REMOTE_REFUSED' ? refuse(redactRepoUrl(target), error.message) : `cannot reach ${redactRepoUrl(target)}: ${error.message}`;
      if (!res.headersSent) res.writeHead(error.code === 'FLT_REMOTE_REFUSED' ? 403 : 502, { 'content-type': 'text/plain' });
      res.end(`${reason}\n`);
    });
    req.on('data', (chunk: Buffer) => (count(chunk.length) ? upstream.write(chunk) : upstream.destroy()));
    req.on('end', () => upstream.end());
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    refusals,
    relayed,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      server.close(() => resolve());
    }),
  };
}

/** The environment that sends a tool's fetches through the proxy (curl reads only lowercase http_proxy). */
export function proxyEnv(proxy: Pick<FetchProxy, 'url'>): Record<string, string> {
  return { HTTPS_PROXY: proxy.url, https_proxy: proxy.url, HTTP_PROXY: proxy.url, http_proxy: proxy.url, ALL_PROXY: proxy.url, NO_PROXY: '', no_proxy: '' };
}

/** Copies `from` into `to`, counting bytes; over the budget both ends close. */
function relay(from: Socket, to: Socket, count: (n: number) => boolean): void {
  from.on('data', (chunk: Buffer) => {
    if (!count(chunk.length)) {
      from.destroy();
      to.destroy();
    } else if (!to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  });
  from.on('end', () => to.end());
  from.on('error', () => to.destroy());
}
