// The HTTP client isomorphic-git fetches through, with the repository URL policy and the fetch
// budget applied where they cannot be dodged: every URL (redirects included) is checked before it is
// requested, every address a host name resolves to is checked in the socket's own DNS lookup (so
// the address dialed is the address checked: no DNS rebinding between check and connect), and
// every response byte counts against the fetch's budget. A ref advertisement without HEAD gets one
// (ref-advertisement.ts: isomorphic-git cannot fetch from a repository whose HEAD dangles). Redirects are followed for GET requests
// only (git's own `http.followRedirects=initial`), never from https to http, and credentials are
// dropped when a redirect leaves the origin.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { request as nodeRequest } from 'isomorphic-git/http/node';
import { checkDialedAddress, checkRepoUrl, type UrlPolicy } from './url-policy.ts';
import { redactRepoUrl } from './url-userinfo.ts';
import type { FetchBudget } from './repo-limits.ts';
import { advertiseDanglingHead } from './ref-advertisement.ts';

const MAX_REDIRECTS = 5;

/** The hub refused to fetch a URL; the message says why. */
export class RepoUrlRefusedError extends Error {
  constructor(what: string, reason: string) {
    super(`the hub refuses to connect to ${what}: ${reason}`);
    this.name = 'RepoUrlRefusedError';
  }
}

/** Connection pools whose DNS lookups are checked against a policy; one per repo service. */
export class GuardedHttp {
  private readonly policy: UrlPolicy;
  private readonly agents: { 'http:': HttpAgent; 'https:': HttpsAgent };

  constructor(policy: UrlPolicy) {
    this.policy = policy;
    const lookup = guardedLookup(policy);
    this.agents = { 'http:': new HttpAgent({ keepAlive: true, lookup }), 'https:': new HttpsAgent({ keepAlive: true, lookup }) };
  }

  /** An isomorphic-git HTTP client for one fetch, counting its downloads against `budget`. */
  client(budget: FetchBudget): HttpClient {
    return { request: (request) => this.send(request, budget) };
  }

  /** Closes pooled connections. */
  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }

  private async send(request: GitHttpRequest, budget: FetchBudget): Promise<GitHttpResponse> {
    let current = request;
    for (let hops = 0; ; hops++) {
      const url = new URL(current.url);
      const verdict = checkRepoUrl(current.url, this.policy);
      if (!verdict.ok) throw new RepoUrlRefusedError(redactRepoUrl(current.url), verdict.reason);
      const agent = url.protocol === 'https:' ? this.agents['https:'] : this.agents['http:'];
      const response = await nodeRequest({ ...current, agent, fetchOptions: { followRedirects: false } });
      const location = response.headers?.location;
      const redirect = response.statusCode >= 300 && response.statusCode < 400 && location !== undefined && (current.method ?? 'GET').toUpperCase() === 'GET';
      if (!redirect) return isRefAdvertisement(current, response) ? withHeadAdvertised(counted(response, budget)) : counted(response, budget);
      await response.body?.return?.();
      if (hops >= MAX_REDIRECTS) throw new Error(`too many redirects from ${redactRepoUrl(request.url)}`);
      current = redirectOf(current, new URL(location, url));
    }
  }
}

/** The request to send after a redirect: same method and headers, credentials only within the origin. */
function redirectOf(previous: GitHttpRequest, target: URL): GitHttpRequest {
  const from = new URL(previous.url);
  if (from.protocol === 'https:' && target.protocol !== 'https:') {
    throw new RepoUrlRefusedError(redactRepoUrl(target.href), `${redactRepoUrl(previous.url)} redirects there from https to ${target.protocol.replace(/:$/, '')}`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(previous.headers ?? {})) {
    const dropped = name.toLowerCase() === 'host' || (target.origin !== from.origin && ['authorization', 'cookie'].includes(name.toLowerCase()));
    if (!dropped) headers[name] = value;
  }
  return { ...previous, url: target.href, headers };
}

/** The response with every body chunk counted against the budget (the first over it throws). */
function counted(response: GitHttpResponse, budget: FetchBudget): GitHttpResponse {
  const length = Number(response.headers?.['content-length']);
  if (Number.isFinite(length) && length > budget.maxBytes - budget.used) {
    void response.body?.return?.();
    budget.add(length);
  }
  const body = response.body;
  if (!body) return response;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for await (const chunk of { [Symbol.asyncIterator]: () => body! }) {
      budget.add(chunk.byteLength);
      yield chunk;
    }
  }
  return { ...response, body: chunks() };
}

/** Whether this is the v1 ref advertisement (`GET .../info/refs?service=git-upload-pack`) that isomorphic-git's fetch parses. */
function isRefAdvertisement(request: GitHttpRequest, response: GitHttpResponse): boolean {
  const url = new URL(request.url);
  return response.statusCode === 200 && url.pathname.endsWith('/info/refs') && url.searchParams.get('service') === 'git-upload-pack';
}

/** The advertisement read whole (it is counted already) and given a HEAD when it dangles (ref-advertisement.ts). */
function withHeadAdvertised(response: GitHttpResponse): GitHttpResponse {
  const body = response.body;
  if (!body) return response;
  async function* rewritten(): AsyncGenerator<Uint8Array> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of { [Symbol.asyncIterator]: () => body! }) chunks.push(chunk);
    yield advertiseDanglingHead(Buffer.concat(chunks));
  }
  return { ...response, body: rewritten() };
}

/** A DNS lookup for sockets that answers only addresses the policy allows (and fails when none is). */
function guardedLookup(policy: UrlPolicy): LookupFunction {
  return policyLookup(policy, (hostname, reason) => Object.assign(new RepoUrlRefusedError(hostname, reason), { code: 'FLT_REPO_REFUSED' }));
}

/** A DNS lookup answering only the addresses `policy` allows; with none, the error `refuse` makes of the hostname and why. */
export function policyLookup(policy: UrlPolicy, refuse: (hostname: string, reason: string) => Error): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '');
      const allowed = addresses.filter((a) => checkDialedAddress(hostname, a.address, policy).ok);
      if (allowed.length === 0) {
        const first = addresses[0];
        const verdict = first ? checkDialedAddress(hostname, first.address, policy) : { ok: false as const, reason: `${hostname} resolves to no address` };
        return callback(refuse(hostname, verdict.ok ? 'no allowed address' : verdict.reason), '');
      }
      if ((options as LookupOptions).all) return callback(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}
