// The cookies of an SSO login. The session cookie (the same flotilla.token a password login sets)
// is SameSite=Lax here: the browser arrives at /auth/callback from the provider's site, and a
// Strict cookie set there would not be sent on the redirect to return_to. The state cookie binds a
// login to the browser that started it (a callback with another browser's state is refused, so
// nobody can log a victim into the attacker's account); it is sent only to /auth/callback.
import { SESSION_COOKIE } from '../session-cookie.ts';

/** The cookie holding a login's state between /auth/login and /auth/callback. */
export const STATE_COOKIE = 'flotilla.sso_state';

const secureFlag = (secure: boolean) => (secure ? '; Secure' : '');

/** The Set-Cookie of an SSO session for maxAgeSeconds. */
export function ssoSessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secureFlag(secure)}`;
}

/** The Set-Cookie of a login's state (or, with '' and 0, its removal). */
export function stateCookie(state: string, maxAgeSeconds: number, secure: boolean): string {
  return `${STATE_COOKIE}=${encodeURIComponent(state)}; Path=/auth/callback; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secureFlag(secure)}`;
}

/** A cookie's value in a Cookie header; undefined when absent or malformed. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  const found = header?.split(';').map((c) => c.trim()).find((c) => c.startsWith(`${name}=`));
  if (!found) return undefined;
  try {
    return decodeURIComponent(found.slice(name.length + 1)) || undefined;
  } catch {
    return undefined;
  }
}
