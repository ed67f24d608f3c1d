// Fetching a remote Helm value file the hub's settings allow (remote-sources.ts), and keying a
// render by the remote things it read. The hub fetches the file itself, never helm: every URL
// (each redirect too) is checked against FLOTILLA_REMOTE_SOURCES before it is requested, every
// address its host resolves to is checked in the socket's own DNS lookup (the address dialed is the
// address checked, as git-http.ts does for Git), redirects never go from https to http, the body is
// bounded by repoMaxFileBytes and the whole fetch by the render timeout. The driver writes the bytes
// into the render's scratch directory and hands helm the local file.
//
// A render's inputs are repository paths keyed by their Git object ids; a remote file is keyed by
// its content instead: its input is the URL, and remoteInputOid fetches it and answers its SHA-256,
// so a changed remote file renders again (fetched on every refresh: one small GET). A remote
// Kustomize base (input `remote-base:<entry>`) is keyed by the entry when it pins a revision
// (`?ref=v1.2.0`), else by a fresh value, so an unpinned base renders on every refresh.
import { createHash, randomUUID } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { UrlPolicy } from '../url-policy.ts';
import { policyLookup } from '../git-http.ts';
import { redactRepoUrl } from '../url-userinfo.ts';
import { checkRemoteUrl, pinsRevision, REMOTE_SETTING, type RemoteSources } from './remote-sources.ts';

/** A fetched file, or why not; `missing` for a 404 (helm.ignoreMissingValueFiles skips it). */
export type Fetched = { ok: true; bytes: Buffer; sha256: string } | { ok: false; reason: string; missing?: boolean };

const MAX_REDIRECTS = 5;

/** The input naming a remote Kustomize entry. */
export const REMOTE_BASE_INPUT = 'remote-base:';

/** Whether a render input is remote (a value file's URL or a remote Kustomize base), not a repository path (pure). */
export function isRemoteInput(input: string): boolean {
  return input.startsWith(REMOTE_BASE_INPUT) || /^https?:\/\//i.test(input);
}

/** Fetches `url` under the remote-source policy, within `timeoutMs` and `remote.maxFileBytes`. */
export async function fetchRemoteFile(url: string, remote: RemoteSources, timeoutMs: number): Promise<Fetched> {
  const signal = AbortSignal.timeout(timeoutMs);
  const lookup = remoteLookup(remote.policy);
  const agents = { http: new HttpAgent({ lookup }), https: new HttpsAgent({ lookup }) };
  try {
    let current = url;
    for (let hops = 0; ; hops++) {
      const verdict = checkRemoteUrl(current, remote.policy);
      if (!verdict.ok) return { ok: false, reason: hops === 0 ? verdict.reason : `it redirects to ${redactRepoUrl(current)}, which is refused: ${verdict.reason}` };
      const response = await get(current, agents, signal);
      const location = response.headers.location;
      if (response.statusCode !== undefined && response.statusCode >= 300 && response.statusCode < 400 && location) {
        response.resume();
        if (hops >= MAX_REDIRECTS) return { ok: false, reason: 'too many redirects' };
        const next = new URL(location, current);
        if (new URL(current).protocol === 'https:' && next.protocol !== 'https:') return { ok: false, reason: `it redirects from https to ${next.protocol.replace(/:$/, '')}` };
        current = next.href;
        continue;
      }
      if (response.statusCode !== 200) {
        response.resume();
        return { ok: false, reason: `the server answered HTTP ${response.statusCode}`, ...(response.statusCode === 404 ? { missing: true } : {}) };
      }
      return await readBounded(response, remote.maxFileBytes);
    }
  } catch (error) {
    const e = error as Error & { code?: string };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { ok: false, reason: `no answer within the render timeout (${Math.round(timeoutMs / 1000)}s)` };
    return { ok: false, reason: e.code === 'FLT_REMOTE_REFUSED' ? e.message : `fetching it failed: ${e.message}` };
  } finally {
    agents.http.destroy();
    agents.https.destroy();
  }
}

/**
 * What keys a remote input in a render's content key: a value file's SHA-256 (fetched now), a
 * pinned remote base's entry, an unpinned one's fresh value. A file that cannot be fetched gets a
 * fresh value too, so the render runs and its error is the condition.
 */
export async function remoteInputOid(input: string, remote: RemoteSources | undefined, timeoutMs: number): Promise<string> {
  if (input.startsWith(REMOTE_BASE_INPUT)) return pinsRevision(input) ? `entry:${input.slice(REMOTE_BASE_INPUT.length)}` : `unpinned:${randomUUID()}`;
  if (!remote) return `unfetched:${randomUUID()}`;
  const fetched = await fetchRemoteFile(input, remote, timeoutMs);
  return fetched.ok ? `sha256:${fetched.sha256}` : `unfetched:${randomUUID()}`;
}

function get(url: string, agents: { http: HttpAgent; https: HttpsAgent }, signal: AbortSignal): Promise<IncomingMessage> {
  const https = url.startsWith('https:');
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(url, { agent: https ? agents.https : agents.http, signal, headers: { 'user-agent': 'flotilla-hub', accept: '*/*' } }, resolve);
    req.on('error', reject);
    req.end();
  });
}

async function readBounded(response: IncomingMessage, maxBytes: number): Promise<Fetched> {
  const tooLarge: Fetched = { ok: false, reason: `the file is over the ${maxBytes}-byte limit of a file read for rendering (repoMaxFileBytes)` };
  const length = Number(response.headers['content-length']);
  if (Number.isFinite(length) && length > maxBytes) {
    response.destroy();
    return tooLarge;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      response.destroy();
      return tooLarge;
    }
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  return { ok: true, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** A DNS lookup answering only addresses the remote-source policy allows (and failing with code FLT_REMOTE_REFUSED, naming the setting, when none is). */
export function remoteLookup(policy: UrlPolicy): LookupFunction {
  return policyLookup(policy, (hostname, reason) => Object.assign(new Error(`the hub refuses to connect to ${hostname}: ${reason.replace("the hub's repository allow-list", REMOTE_SETTING)}`), { code: 'FLT_REMOTE_REFUSED' }));
}
