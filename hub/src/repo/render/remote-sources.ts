// Which remote value files and Kustomize bases a render may read (issue 14: URLs are refused
// unless the hub's settings allow them). Argo CD fetches Helm value files from any http(s) URL
// (argocd-cm `helm.valuesFileSchemes`) and lets kustomize clone any remote base; the hub refuses
// both unless FLOTILLA_REMOTE_SOURCES (hub option `remoteSources`) lists the host: host globs and
// CIDRs in the syntax of FLOTILLA_REPO_ALLOW, parsed by the same parser (url-policy.ts), so the
// repository policy's defences hold too (no link-local or cloud metadata address unless a CIDR
// names it). https is allowed to every listed host; plain http only to loopback or to a host the
// list names literally (no wildcard). The checks here are on the URL as written (pure);
// remote-files.ts checks every address a host resolves to where the connection is dialed.
import { isIP } from 'node:net';
import { checkRepoUrl, parseAllowList, type UrlPolicy, type Verdict } from '../url-policy.ts';

/** The setting that allows remote sources, as messages name it. */
export const REMOTE_SETTING = 'FLOTILLA_REMOTE_SOURCES (hub option remoteSources)';

/** The hub-wide remote-source settings a render gets (RenderRequest.remoteSources). */
export interface RemoteSources {
  /** The parsed list; an unrestricted (empty) policy allows nothing. */
  policy: UrlPolicy;
  /** Bytes one fetched file may hold (repoMaxFileBytes). */
  maxFileBytes: number;
}

/** Parses `remoteSources` entries; throws naming the setting when one is malformed (the hub does not start). */
export function remotePolicyOf(entries: string[] | string | undefined): UrlPolicy {
  const parsed = parseAllowList(entries);
  if (!parsed.ok) throw new Error(`${REMOTE_SETTING}: ${parsed.message.replace(/^repository allow-list entry/, 'entry')}`);
  return parsed.policy;
}

/** Whether a remote URL may be fetched, judged on the URL alone (pure). */
export function checkRemoteUrl(url: string, policy: UrlPolicy | undefined): Verdict {
  if (!policy?.restricted) return { ok: false, reason: `the hub fetches remote files only from hosts listed in ${REMOTE_SETTING}, which is not set` };
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return { ok: false, reason: 'it is not a valid URL' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { ok: false, reason: `the hub fetches remote files only over https (or http to loopback and listed hosts), not ${parsed.protocol.replace(/:$/, '')}://` };
  // A password in the URL would be stored with the render's inputs and shown in conditions.
  if (parsed.password) return { ok: false, reason: 'it carries a password (user:password@): the hub does not send credentials to remote sources; use a URL without them' };
  const verdict = checkRepoUrl(parsed.href, policy);
  if (!verdict.ok) return { ok: false, reason: verdict.reason.replace("the hub's repository allow-list", REMOTE_SETTING) };
  const host = parsed.hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (parsed.protocol === 'http:' && !isLoopback(host) && !literallyListed(host, policy)) {
    return { ok: false, reason: `plain http is allowed only to loopback or to a host ${REMOTE_SETTING} names without a wildcard; use https://${parsed.host}` };
  }
  return { ok: true };
}

/**
 * The URL kustomize would fetch for a remote entry (kustomize's repospec forms): `https://…`,
 * `git::https://…`, `github.com/org/repo/path?ref=v1` (https), `git@host:org/repo` (ssh) (pure).
 */
export function remoteEntryUrl(entry: string): string {
  const e = entry.trim().replace(/^git::/i, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(e)) return e;
  const scp = /^([a-z][a-z0-9-]*)@([^:/]+):(.*)$/i.exec(e);
  if (scp) return `ssh://${scp[1]}@${scp[2]}/${scp[3]}`;
  return `https://${e.replace(/^(github\.com):/i, '$1/')}`;
}

/** Whether a remote Kustomize entry may be fetched by kustomize (pure). */
export function checkRemoteEntry(entry: string, policy: UrlPolicy | undefined): Verdict {
  const url = remoteEntryUrl(entry);
  if (/^(ssh|git|file):/i.test(url) && policy?.restricted) return { ok: false, reason: `kustomize would fetch it over ${url.slice(0, url.indexOf(':'))}; the hub allows remote bases only over https (or http to loopback and listed hosts)` };
  return checkRemoteUrl(url, policy);
}

/** Whether a remote Kustomize entry pins a revision (`?ref=`, `?version=`, or a `@ref` / `.git?ref` form) (pure). */
export function pinsRevision(entry: string): boolean {
  return /[?&](ref|version)=[^&]+/.test(entry);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function literallyListed(host: string, policy: UrlPolicy): boolean {
  if (policy.hostGlobs.includes(host)) return true;
  const family = isIP(host);
  return family !== 0 && policy.cidrs.check(host, family === 4 ? 'ipv4' : 'ipv6');
}
