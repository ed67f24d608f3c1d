// The fetch openid-client uses when the provider's certificate is signed by a CA of our own
// (rootCA): node:https with the system roots plus that CA. Node's global fetch takes no CA without
// undici's Agent, which the hub does not depend on. Bounded: 10 s per request, 1 MiB per answer
// (discovery, JWKS and token answers are a few KiB).
import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { rootCertificates } from 'node:tls';

const TIMEOUT_MS = 10_000;
const MAX_BYTES = 1024 * 1024;

/** A fetch(url, init) that trusts `rootCa` (PEM) besides the system roots. */
export function fetchTrusting(rootCa: string): (url: string, init: { method?: string; headers?: Record<string, string> | Headers; body?: unknown; signal?: AbortSignal | null }) => Promise<Response> {
  const ca = [...rootCertificates, rootCa];
  return (url, init) => new Promise<Response>((resolve, reject) => {
    const target = new URL(url);
    const headers = init.headers instanceof Headers ? Object.fromEntries(init.headers.entries()) : { ...init.headers };
    const body = init.body === undefined || init.body === null ? undefined : String(init.body);
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { method: init.method ?? 'GET', headers, ca, timeout: TIMEOUT_MS, ...(init.signal ? { signal: init.signal } : {}) }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BYTES) res.destroy(new Error(`the identity provider's answer from ${target.origin}${target.pathname} is over ${MAX_BYTES} bytes`));
        else chunks.push(chunk);
      });
      res.on('error', reject);
      res.on('end', () => {
        const answer = new Headers();
        for (const [name, value] of Object.entries(res.headers)) for (const one of [value ?? []].flat()) answer.append(name, one);
        const status = res.statusCode ?? 502;
        resolve(new Response([204, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers: answer }));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`the identity provider at ${target.origin} did not answer in ${TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}
