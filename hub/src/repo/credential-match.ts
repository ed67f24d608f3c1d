// Which stored credential a repository URL is fetched with. Credentials are bound to scheme, host
// (with port) and path, never to the host alone: a repository credential matches its exact URL, a
// credential template (Argo CD's "repocreds") every repository under its URL prefix. The exact
// repository wins; else the longest template whose prefix ends at a path-segment boundary
// (`https://git.example.com/team` covers `/team/apps` but not `/teamwork/apps`). Because the scheme
// is part of the key, a credential registered for https:// is never sent over plain http://.
import { normalizeRepoUrl } from './repo-url.ts';

/** A stored credential as the matcher sees it: its kind and its key (see credentialUrlKey). */
export interface CredentialCandidate {
  kind: 'repository' | 'template';
  key: string;
  /** Whether it carries a password (a registered public repository carries none). */
  hasPassword: boolean;
}

/**
 * The key a credential is stored and matched under: `scheme://host[:port]/path` with scheme and host
 * lowercased, user info, query, fragment, the scheme's default port, trailing `/` and `.git` dropped.
 * Undefined for anything but an http(s) URL.
 */
export function credentialUrlKey(url: string): string | undefined {
  const scheme = /^\s*(https?):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (!scheme) return undefined;
  const rest = normalizeRepoUrl(url);
  if (rest === '' || rest.startsWith('/')) return undefined;
  return `${scheme}://${rest}`;
}

/** Whether a template's key covers a repository's key: equal, or a prefix ending at a `/`. */
export function isUnderPrefix(prefixKey: string, repoKey: string): boolean {
  return repoKey === prefixKey || repoKey.startsWith(`${prefixKey}/`);
}

/** The credential to fetch `repoUrl` with, or undefined for an anonymous fetch (pure). */
export function matchCredential<T extends CredentialCandidate>(candidates: T[], repoUrl: string): T | undefined {
  const key = credentialUrlKey(repoUrl);
  if (key === undefined) return undefined;
  const exact = candidates.find((c) => c.kind === 'repository' && c.key === key && c.hasPassword);
  if (exact) return exact;
  let best: T | undefined;
  for (const c of candidates) {
    if (c.kind !== 'template' || !c.hasPassword || !isUnderPrefix(c.key, key)) continue;
    if (!best || c.key.length > best.key.length) best = c;
  }
  return best;
}
