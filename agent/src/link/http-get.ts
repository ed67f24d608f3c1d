// A JSON GET to the hub over node:http(s): the agent's only plain HTTP call (bundles). Not
// `fetch`, whose HTTP client (undici, with its WebAssembly parser) costs the agent several MB of
// memory for one request kind; node:https is loaded already for the Kubernetes API and the hub link.
// The body is capped: past `maxBytes` the request is aborted, so a hub (or anything posing as one)
// cannot make the agent buffer without bound.
import { httpRequest } from '../runtime/node-http.ts';
import { request as httpsRequest } from 'node:https';
import { tlsClientOptions, type TlsTrust } from '@flotilla/shared';

/** Fails with the status and the start of the body when the answer is not 2xx. */
export class HttpStatusError extends Error {
  readonly status: number;
  constructor(url: string, status: number, body: string) {
    super(`GET ${url} answered ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.name = 'HttpStatusError';
    this.status = status;
  }
}

/** The answer is larger than the agent accepts. */
export class TooLargeError extends Error {
  readonly limit: number;
  constructor(url: string, limit: number, declared?: number) {
    super(`GET ${url}: the answer is larger than the limit of ${limit} bytes${declared !== undefined ? ` (${declared} bytes declared)` : ''}; not downloaded`);
    this.name = 'TooLargeError';
    this.limit = limit;
  }
}

/** How to make the request. */
export interface GetOptions {
  headers: Record<string, string>;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  timeoutMs?: number;
  /** How to trust an https hub (system CAs when absent). */
  tls?: TlsTrust;
}

/** GETs `url` and parses its JSON body; rejects after `timeoutMs` without an answer or past `maxBytes`. */
export function getJson<T>(url: string, options: GetOptions): Promise<T> {
  const target = new URL(url);
  const https = target.protocol === 'https:';
  const send = https ? httpsRequest : httpRequest;
  const { maxBytes, timeoutMs = 30_000 } = options;
  return new Promise<T>((resolve, reject) => {
    const req = send(target, { method: 'GET', headers: { ...options.headers, accept: 'application/json' }, ...(https ? tlsClientOptions(options.tls) : {}) }, (res) => {
      const declared = Number(res.headers['content-length']);
      const refuse = (error: TooLargeError) => {
        reject(error);
        req.destroy(error);
      };
      if (Number.isFinite(declared) && declared > maxBytes) return refuse(new TooLargeError(url, maxBytes, declared));
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (c: Buffer) => {
        received += c.length;
        if (received > maxBytes) {
          chunks.length = 0;
          refuse(new TooLargeError(url, maxBytes));
          return;
        }
        chunks.push(c);
      });
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
