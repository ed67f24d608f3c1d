// What a request to register a repository or a credential template says, made ready to store: the
// URL without user info (a password written into it becomes the credential's password), the key
// it is bound under, and the checks a user should hear about at once (a URL the hub would refuse
// to fetch, credentials given twice, a template without a password). Pure.
import { credentialUrlKey } from './credential-match.ts';
import { normalizeRepoUrl } from './repo-url.ts';
import { checkRepoUrl, type UrlPolicy } from './url-policy.ts';
import { stripUserinfo, userinfoOf } from './url-userinfo.ts';

/** A registration as the API receives it. */
export interface CredentialRequest {
  url: string;
  username?: string;
  password?: string;
}

/** A registration ready to store, or why it cannot be. */
export type CredentialInput =
  | { ok: true; url: string; credentialKey: string; normalizedUrl: string; username?: string; password?: string }
  | { ok: false; field: string; message: string };

/** Checks and normalises a repository (`template: false`) or credential template registration. */
export function parseCredentialRequest(request: CredentialRequest, policy: UrlPolicy, options: { template: boolean }): CredentialInput {
  const url = stripUserinfo(request.url.trim());
  const info = userinfoOf(request.url.trim());
  if (info?.password !== undefined && (request.username !== undefined || request.password !== undefined)) {
    return { ok: false, field: 'url', message: 'the URL carries a password and the request gives credentials too: give them once, as username and password' };
  }
  const username = request.username ?? info?.username;
  const password = request.password ?? info?.password;
  const credentialKey = credentialUrlKey(url);
  if (credentialKey === undefined) return { ok: false, field: 'url', message: 'the URL must be an http(s) URL with a host' };
  const verdict = checkRepoUrl(url, policy);
  if (!verdict.ok) return { ok: false, field: 'url', message: `the hub would not fetch from ${url}: ${verdict.reason}` };
  if (options.template && (password === undefined || password === '')) {
    return { ok: false, field: 'password', message: 'a credential template needs a password (or token)' };
  }
  return {
    ok: true,
    url,
    credentialKey,
    normalizedUrl: normalizeRepoUrl(url),
    ...(username !== undefined && username !== '' ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}
