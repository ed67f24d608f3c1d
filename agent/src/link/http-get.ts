// A JSON GET to the hub over node:http(s): the agent's only plain HTTP call (bundles). Not
// `fetch`, whose HTTP client (undici, with its WebAssembly parser) costs the agent several MB of
// memory for one request kind; node:https is loaded already for the Kubernetes API and the hub link.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Fails with the status and the start of the body when the answer is not 2xx. */
export class HttpStatusError extends Error {
  readonly status: number;
  constructor(url: string, status: number, body: string) {
    super(`GET ${url} answered ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.name = 'HttpStatusError';
    this.status = status;
  }
}

/** GETs `url` and parses its JSON body; rejects after `timeoutMs` without an answer. */
export function getJson<T>(url: string, headers: Record<string, string>, timeoutMs = 30_000): Promise<T> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<T>((resolve, reject) => {
    const req = send(target, { method: 'GET', headers: { ...headers, accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) return reject(new HttpStatusError(url, status, text));
        try {
          resolve(JSON.parse(text) as T);
        } catch (error) {
          reject(new Error(`GET ${url}: the answer is not JSON (${(error as Error).message})`));
        }
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${url}: no answer after ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}
