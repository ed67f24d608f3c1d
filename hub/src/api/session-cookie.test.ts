// The session cookie: its attributes, and Secure exactly when the hub serves TLS.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clearedSessionCookie, sessionCookie } from './session-cookie.ts';

describe('session cookie', () => {
  // name | Set-Cookie value | expected
  const cases: [string, string, string][] = [
    ['plain HTTP: no Secure', sessionCookie('flt_s_abc', 86400, false), 'flotilla.token=flt_s_abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=86400'],
    ['TLS: Secure', sessionCookie('flt_s_abc', 86400, true), 'flotilla.token=flt_s_abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=86400; Secure'],
    ['the token is URL-encoded', sessionCookie('a;b c', 60, false), 'flotilla.token=a%3Bb%20c; Path=/; HttpOnly; SameSite=Strict; Max-Age=60'],
    ['clearing, plain HTTP', clearedSessionCookie(false), 'flotilla.token=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0'],
    ['clearing, TLS', clearedSessionCookie(true), 'flotilla.token=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure'],
  ];
  for (const [name, got, want] of cases) it(name, () => assert.equal(got, want));
});
