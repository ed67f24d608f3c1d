// The flotilla.token cookie a login sets (and a logout clears): HttpOnly, SameSite=Strict, Path=/,
// and Secure whenever the hub serves TLS, so a browser never sends the session over plain HTTP.

/** The cookie's name (auth.ts reads it). */
export const SESSION_COOKIE = 'flotilla.token';

/** The Set-Cookie value that carries a session token for maxAgeSeconds. */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return cookie(encodeURIComponent(token), maxAgeSeconds, secure);
}

/** The Set-Cookie value that removes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return cookie('', 0, secure);
}

function cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}
