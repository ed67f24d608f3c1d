// The hub's --oidc-* flags and FLOTILLA_OIDC_* environment as SsoFlags, with the files they name
// read (the oidc.config file, the client secret file, the root CA). The secret is never logged
// or printed; an unreadable file is an error naming the flag.
import { readFileSync } from 'node:fs';
import { ssoConfigOf, type SsoConfig, type SsoFlags } from './sso-config.ts';

/** The parseArgs options of the SSO flags (each defaults to its environment variable). */
export function ssoFlagOptions(env: NodeJS.ProcessEnv): Record<string, { type: 'string'; default?: string }> {
  const option = (name: string) => ({ type: 'string' as const, ...(env[name] ? { default: env[name] } : {}) });
  return {
    'oidc-config': option('FLOTILLA_OIDC_CONFIG'),
    'oidc-name': option('FLOTILLA_OIDC_NAME'),
    'oidc-issuer': option('FLOTILLA_OIDC_ISSUER'),
    'oidc-client-id': option('FLOTILLA_OIDC_CLIENT_ID'),
    'oidc-client-secret-file': option('FLOTILLA_OIDC_CLIENT_SECRET_FILE'),
    'oidc-redirect-url': option('FLOTILLA_OIDC_REDIRECT_URL'),
    'oidc-scopes': option('FLOTILLA_OIDC_SCOPES'),
    'oidc-root-ca': option('FLOTILLA_OIDC_ROOT_CA'),
  };
}

/** The SSO configuration the parsed flags give (undefined: SSO off); throws a message naming the problem. */
export function ssoConfigFromFlags(values: Record<string, unknown>, env: NodeJS.ProcessEnv): SsoConfig | undefined {
  const text = (name: string) => (typeof values[name] === 'string' && values[name] !== '' ? (values[name] as string) : undefined);
  const read = (flag: string) => {
    const path = text(flag);
    if (path === undefined) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`--${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
    }
  };
  const configText = read('oidc-config');
  const secretFile = read('oidc-client-secret-file')?.trim();
  const flags: SsoFlags = {
    ...(configText !== undefined ? { config: { path: text('oidc-config')!, text: configText } } : {}),
    ...optional('name', text('oidc-name')),
    ...optional('issuer', text('oidc-issuer')),
    ...optional('clientId', text('oidc-client-id')),
    ...optional('clientSecret', secretFile || env.FLOTILLA_OIDC_CLIENT_SECRET || undefined),
    ...optional('redirectUrl', text('oidc-redirect-url')),
    ...optional('scopes', text('oidc-scopes')),
    ...optional('rootCa', read('oidc-root-ca')),
  };
  return ssoConfigOf(flags);
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
