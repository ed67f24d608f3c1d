// Where a browser may be sent after an SSO login: only a path on the hub itself. Anything that a
// browser could read as another origin (`//evil`, `/\evil`, `https://evil`, `javascript:`, control
// characters that browsers strip) falls back to `/`, so /auth/login cannot be an open redirect.
// The path is checked again once normalised: `/.//evil`, `/a/..//evil` and `/%2e//evil` become `//evil`.

/** The same-origin path to go to after login: `returnTo` when it is one, else `/`. */
export function safeReturnTo(returnTo: unknown): string {
  if (typeof returnTo !== 'string' || returnTo === '' || returnTo.length > 2048) return '/';
  // Browsers drop tabs and newlines and read `\` as `/` in URLs: none of them belongs in a path we send to.
  if (!returnTo.startsWith('/') || returnTo.startsWith('//') || returnTo.includes('\\') || hasControlCharacter(returnTo)) return '/';
  const base = 'http://hub.invalid';
  let parsed: URL;
  try {
    parsed = new URL(returnTo, base);
  } catch {
    return '/';
  }
  if (parsed.origin !== base) return '/';
  const path = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  return path.startsWith('//') || path.startsWith('/\\') ? '/' : path;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
