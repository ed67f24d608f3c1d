// The provider's `error` and `error_description` on /auth/callback come from whoever crafted the
// link: before they reach the audit log, the hub's log or the answer they are cut to a short line
// of printable ASCII (no control characters, no terminal escapes, no 16 KB rows).

/** How many characters of a provider's error text are kept. */
export const MAX_PROVIDER_TEXT = 128;

/** `text` as printable ASCII (anything else becomes `?`), at most MAX_PROVIDER_TEXT characters. */
export function providerText(text: unknown): string {
  if (typeof text !== 'string') return '';
  return text.slice(0, MAX_PROVIDER_TEXT).replace(/[^\x20-\x7e]/g, '?');
}
