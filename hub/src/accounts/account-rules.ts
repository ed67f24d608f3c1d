// What a local account may be: its name (no `:`, so no account can pose as a `proj:` subject),
// its capabilities (Argo CD's `login` and `apiKey`), and what each capability permits. Pure.

/** Argo CD's account capabilities: log in with a password, hold API tokens. */
export const CAPABILITIES = ['login', 'apiKey'] as const;

/** One capability. */
export type Capability = (typeof CAPABILITIES)[number];

/** Account names: lower-case letters, digits, `-`, `_` and `.`, 1–63 characters, starting and ending alphanumeric. */
export const ACCOUNT_NAME = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;

/** Token ids: what `--id` may be (letters, digits, `-`, `_`, `.`), up to 128 characters. */
export const TOKEN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Why a name cannot be an account's, or undefined. */
export function accountNameProblem(name: string): string | undefined {
  if (!ACCOUNT_NAME.test(name)) return "must be 1-63 lower-case letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  return undefined;
}

/** Capabilities sorted and deduplicated in Argo CD's order; unknown ones are the caller's 400. */
export function normalizeCapabilities(values: readonly string[]): { capabilities: Capability[] } | { error: string } {
  const unknown = values.filter((v) => !(CAPABILITIES as readonly string[]).includes(v));
  if (unknown.length) return { error: `unknown capability ${unknown.map((u) => `"${u}"`).join(', ')}: use login and/or apiKey` };
  return { capabilities: CAPABILITIES.filter((c) => values.includes(c)) };
}

/** Whether an account with these capabilities may log in with a password. */
export function canLogin(capabilities: readonly string[]): boolean {
  return capabilities.includes('login');
}

/** Whether an account with these capabilities may hold and use API tokens. */
export function canHoldTokens(capabilities: readonly string[]): boolean {
  return capabilities.includes('apiKey');
}
