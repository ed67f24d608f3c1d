// The hub's OIDC settings, from Argo CD's `oidc.config` (pasted as a YAML or JSON file, bare or
// inside its argocd-cm ConfigMap) and/or the hub's --oidc-* flags, which win over the file. Pure:
// main.ts reads the files and hands their text in. Unknown keys are refused by name, and so are the
// Argo CD keys Flotilla does not act on, so that nothing a migrating user relies on is silently
// ignored. The client secret never comes from the file's text when it is an argocd-secret
// reference (`$oidc.okta.clientSecret`): it must then come from FLOTILLA_OIDC_CLIENT_SECRET or
// --oidc-client-secret-file.
import { parse } from 'yaml';

/** What the hub needs to run SSO. */
export interface SsoConfig {
  /** Shown on the login button (Argo CD's `name`). */
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the browser back; default `<external URL>/auth/callback`. */
  redirectUrl?: string;
  /** Scopes asked for (default openid profile email groups; `openid` is always added). */
  requestedScopes: string[];
  /** Argo CD's requestedIDTokenClaims, sent as the `claims` request parameter's id_token member. */
  requestedIdTokenClaims?: Record<string, unknown>;
  /** Extra PEM CA certificates to trust for the issuer (besides the system ones). */
  rootCa?: string;
  /** Where to send the browser at logout when the provider advertises no end_session_endpoint. */
  logoutUrl?: string;
}

/** Scopes asked for when none are configured. */
export const DEFAULT_SSO_SCOPES = ['openid', 'profile', 'email', 'groups'];

/** The --oidc-* flags and environment, each optional. */
export interface SsoFlags {
  config?: { path: string; text: string };
  name?: string;
  issuer?: string;
  clientId?: string;
  /** From FLOTILLA_OIDC_CLIENT_SECRET or the --oidc-client-secret-file's content. */
  clientSecret?: string;
  redirectUrl?: string;
  /** Comma- or space-separated. */
  scopes?: string;
  /** The --oidc-root-ca file's content. */
  rootCa?: string;
}

const KNOWN = new Set(['name', 'issuer', 'clientID', 'clientSecret', 'requestedScopes', 'requestedIDTokenClaims', 'rootCA', 'logoutURL', 'enablePKCEAuthentication', 'redirectURL']);
// Argo CD oidc.config keys with no Flotilla meaning yet: refused with the reason.
const UNSUPPORTED: Record<string, string> = {
  cliClientID: 'the CLI logs in through the hub (flotilla login --sso), with the hub\'s own client',
  insecureSkipVerify: 'give the provider\'s CA with rootCA (or --oidc-root-ca) instead',
  userInfoPath: 'groups are read from the ID token; ask for them with requestedIDTokenClaims',
  enableUserInfoGroups: 'groups are read from the ID token; ask for them with requestedIDTokenClaims',
  userInfoCacheExpiration: 'groups are read from the ID token at login',
  refreshTokenThreshold: 'sessions last the hub session TTL; a new login refreshes the groups',
  domainHint: 'not supported',
  azure: 'workload identity is not supported; use a client secret',
  allowedAudiences: 'ID tokens must be for the hub\'s client id',
  skipAudienceCheckWhenTokenHasNoAudience: 'ID tokens must be for the hub\'s client id',
};

/** The SSO settings the flags and file give; undefined when SSO is not configured; throws a message naming the problem. */
export function ssoConfigOf(flags: SsoFlags): SsoConfig | undefined {
  const file = flags.config ? fileSettings(flags.config) : {};
  const issuer = flags.issuer ?? file.issuer;
  const clientId = flags.clientId ?? file.clientID;
  if (issuer === undefined && clientId === undefined && !flags.config) return undefined;
  const where = flags.config ? `${flags.config.path}: ` : '';
  if (!issuer) throw new Error(`${where}the OIDC issuer is missing (issuer, or --oidc-issuer)`);
  if (!clientId) throw new Error(`${where}the OIDC client id is missing (clientID, or --oidc-client-id)`);
  checkUrl(issuer, 'issuer');
  const fileSecret = typeof file.clientSecret === 'string' && !file.clientSecret.startsWith('$') ? file.clientSecret : undefined;
  const clientSecret = flags.clientSecret ?? fileSecret;
  if (!clientSecret) {
    const ref = typeof file.clientSecret === 'string' && file.clientSecret.startsWith('$') ? ` (clientSecret ${file.clientSecret} names a key of argocd-secret, which the hub cannot read)` : '';
    throw new Error(`${where}the OIDC client secret is missing${ref}: set FLOTILLA_OIDC_CLIENT_SECRET or --oidc-client-secret-file`);
  }
  const redirectUrl = flags.redirectUrl ?? file.redirectURL;
  if (redirectUrl !== undefined) checkUrl(redirectUrl, 'redirect URL');
  if (file.logoutURL !== undefined) checkUrl(file.logoutURL, 'logoutURL');
  const scopes = flags.scopes !== undefined ? flags.scopes.split(/[\s,]+/).filter(Boolean) : (file.requestedScopes ?? DEFAULT_SSO_SCOPES);
  const rootCa = flags.rootCa ?? file.rootCA;
  if (rootCa !== undefined && !rootCa.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`${where}rootCA holds no PEM certificate`);
  return {
    name: flags.name ?? file.name ?? 'SSO',
    issuer,
    clientId,
    clientSecret,
    ...(redirectUrl !== undefined ? { redirectUrl } : {}),
    requestedScopes: scopes.includes('openid') ? scopes : ['openid', ...scopes],
    ...(file.requestedIDTokenClaims ? { requestedIdTokenClaims: file.requestedIDTokenClaims } : {}),
    ...(rootCa !== undefined ? { rootCa } : {}),
    ...(file.logoutURL !== undefined ? { logoutUrl: file.logoutURL } : {}),
  };
}

interface FileSettings {
  name?: string;
  issuer?: string;
  clientID?: string;
  clientSecret?: string;
  requestedScopes?: string[];
  requestedIDTokenClaims?: Record<string, unknown>;
  rootCA?: string;
  logoutURL?: string;
  redirectURL?: string;
}

// The oidc.config map: bare, or the `oidc.config` string of an argocd-cm ConfigMap.
function fileSettings(config: { path: string; text: string }): FileSettings {
  const fail = (message: string): never => {
    throw new Error(`${config.path}: ${message}`);
  };
  let value: unknown;
  try {
    value = parse(config.text);
  } catch (error) {
    fail(`not YAML or JSON: ${(error as Error).message}`);
  }
  if (isMap(value) && value.kind === 'ConfigMap') {
    const data = isMap(value.data) ? value.data['oidc.config'] : undefined;
    if (typeof data !== 'string') fail('the ConfigMap has no data."oidc.config"');
    return fileSettings({ path: `${config.path} (oidc.config)`, text: data as string });
  }
  if (!isMap(value)) return fail('expected the oidc.config map (name, issuer, clientID, clientSecret, ...)');
  for (const key of Object.keys(value)) {
    if (UNSUPPORTED[key]) fail(`${key} is an Argo CD setting Flotilla does not support: ${UNSUPPORTED[key]}`);
    if (!KNOWN.has(key)) fail(`unknown key ${key} (known: ${[...KNOWN].join(', ')})`);
  }
  for (const key of ['name', 'issuer', 'clientID', 'clientSecret', 'rootCA', 'logoutURL', 'redirectURL'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'string') fail(`${key} must be a string`);
  }
  const scopes = value.requestedScopes;
  if (scopes !== undefined && (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && s !== ''))) fail('requestedScopes must be a list of scope names');
  if (value.requestedIDTokenClaims !== undefined && !isMap(value.requestedIDTokenClaims)) fail('requestedIDTokenClaims must be a map of claim names');
  if (value.enablePKCEAuthentication !== undefined && typeof value.enablePKCEAuthentication !== 'boolean') fail('enablePKCEAuthentication must be true or false (the hub always uses PKCE)');
  return value as FileSettings;
}

function checkUrl(url: string, what: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`the OIDC ${what} "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname))) {
    throw new Error(`the OIDC ${what} "${url}" must be https:// (plain http only on a loopback address)`);
  }
}

/** Whether a URL host is this machine (plain http is allowed to it, as to a local Dex). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
