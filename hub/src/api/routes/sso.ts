// OIDC single sign-on (issue 16 §4): /auth/login sends the browser to the provider with PKCE,
// state and nonce (kept in PostgreSQL, so any replica may take the callback); /auth/callback
// exchanges the code, verifies the ID token, takes the subject and groups as Argo CD does
// (sso/claims.ts) and starts a session that carries the groups (RBAC `g` lines see them); a CLI
// login instead gets a one-time code at its loopback listener, redeemed at /auth/cli/token with
// its own PKCE verifier (sso/cli-login.ts); /auth/logout ends the session and, when the provider
// has an end_session_endpoint, sends the browser there (a cross-site navigation to it is refused:
// no logout CSRF). GET /api/v1/settings (public) says
// whether SSO is configured, for the web UI's button. Logins are audited, failed ones too.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { FlotillaError, invalidInput, notFound, unauthenticated } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { bearerToken } from '../auth.ts';
import { recordAudit } from '../../store/audit.ts';
import { deleteSession } from '../../store/accounts.ts';
import { groupsClaims } from '../../rbac/current-policy.ts';
import { createSsoSession, deleteSsoSession, isLocalAccountName, localAccountNames, isSsoSessionToken, saveCliCode, savePendingLogin, takeCliCode, takePendingLogin, type SsoIdentity } from '../../store/sso.ts';
import { OidcClient, newLoginSecrets, pkceChallenge } from '../sso/oidc-client.ts';
import { identityOfClaims, isReservedSubject } from '../sso/claims.ts';
import { safeReturnTo } from '../sso/return-to.ts';
import { providerText } from '../sso/provider-text.ts';
import { cliCallbackUrl, cliLoginOf } from '../sso/cli-login.ts';
import { cookieValue, ssoSessionCookie, STATE_COOKIE, stateCookie } from '../sso/sso-cookies.ts';
import { clearedSessionCookie } from '../session-cookie.ts';
import { errorResponses } from '../schemas.ts';

/** How long a started login waits for the provider (Argo CD: 10 minutes too). */
const LOGIN_TTL_SECONDS = 600;
/** How long a CLI has to redeem its code once the browser reached its listener. */
const CLI_CODE_TTL_SECONDS = 60;

const CliTokenBody = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 256 }),
  codeVerifier: Type.String({ minLength: 43, maxLength: 128, pattern: '^[A-Za-z0-9._~-]+$' }),
}, { additionalProperties: false });

/** /auth/login, /auth/callback, /auth/cli/token, /auth/logout and /api/v1/settings. */
export const ssoRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  const config = ctx.settings.sso;
  const client = config ? new OidcClient(config) : undefined;
  const configured = (): OidcClient => {
    if (!client) throw notFound('SSO configuration', 'oidc (start the hub with --oidc-issuer or --oidc-config)');
    return client;
  };
  // The redirect URL: configured, or the hub's external URL (known only once it listens).
  const redirectUri = () => config?.redirectUrl ?? `${ctx.settings.externalUrl.replace(/\/$/, '')}/auth/callback`;
  const secure = ctx.settings.tls;

  app.get('/api/v1/settings', {
    config: { public: true },
    schema: { summary: 'Public settings: whether SSO is configured (the web UI shows its button)', tags: ['session'] },
  }, async () => ({
    url: ctx.settings.externalUrl,
    ...(config ? { sso: { name: config.name, loginPath: '/auth/login' }, oidcConfig: { name: config.name, issuer: config.issuer, clientID: config.clientId, scopes: config.requestedScopes } } : {}),
  }));

  app.get<{ Querystring: Record<string, string> }>('/auth/login', {
    config: { public: true },
    schema: { summary: 'Start an SSO login (redirects to the identity provider)', tags: ['session'], response: { ...errorResponses, 503: { $ref: 'ErrorBody#' } } },
  }, async (request, reply) => {
    const oidc = configured();
    const cli = cliLoginOf(request.query);
    const secrets = newLoginSecrets();
    const location = await oidc.authorizationUrl(secrets, redirectUri());
    await savePendingLogin(ctx.pool, ctx.secrets, secrets.state, { codeVerifier: secrets.codeVerifier, nonce: secrets.nonce, returnTo: safeReturnTo(request.query.return_to), ...(cli ? { cli } : {}) }, LOGIN_TTL_SECONDS);
    void reply.header('set-cookie', stateCookie(secrets.state, LOGIN_TTL_SECONDS, secure)).header('cache-control', 'no-store');
    return reply.redirect(location.toString(), 302);
  });

  app.get<{ Querystring: Record<string, string> }>('/auth/callback', {
    config: { public: true },
    schema: { summary: 'Where the identity provider sends the browser back', tags: ['session'], response: { ...errorResponses, 503: { $ref: 'ErrorBody#' } } },
  }, async (request, reply) => {
    const oidc = configured();
    const state = request.query.state;
    if (typeof state !== 'string' || state === '') throw invalidInput('the callback carries no state: start again at /auth/login');
    // The login must come back to the browser that started it.
    if (cookieValue(request.headers.cookie, STATE_COOKIE) !== state) throw invalidInput('the login state does not match the one this browser started: start again at /auth/login');
    const pending = await takePendingLogin(ctx.pool, ctx.secrets, state);
    if (!pending) throw invalidInput('unknown, used or expired login state: start again at /auth/login');
    void reply.header('set-cookie', stateCookie('', 0, secure)).header('cache-control', 'no-store');
    const identity = await verifiedIdentity(ctx, oidc, request, { state, nonce: pending.nonce, codeVerifier: pending.codeVerifier }, redirectUri());
    if (pending.cli) {
      const code = await saveCliCode(ctx.pool, ctx.secrets, identity, pending.cli.challenge, CLI_CODE_TTL_SECONDS);
      return reply.redirect(cliCallbackUrl(pending.cli, code), 303);
    }
    const session = await createSsoSession(ctx.pool, ctx.secrets, identity, ctx.settings.sessionTtlSeconds);
    await auditLogin(ctx, identity, request.ip, 'browser');
    void reply.header('set-cookie', [stateCookie('', 0, secure), ssoSessionCookie(session.token, ctx.settings.sessionTtlSeconds, secure)]);
    return reply.redirect(pending.returnTo, 303);
  });

  app.post<{ Body: Static<typeof CliTokenBody> }>('/auth/cli/token', {
    config: { public: true },
    schema: { summary: "Redeem a CLI login's one-time code with its PKCE verifier", tags: ['session'], body: CliTokenBody, response: errorResponses },
  }, async (request) => {
    configured();
    const taken = await takeCliCode(ctx.pool, ctx.secrets, request.body.code);
    if (!taken) throw invalidInput('unknown, used or expired login code: run flotilla login --sso again');
    if (!sameText(pkceChallenge(request.body.codeVerifier), taken.challenge)) {
      await recordAudit(ctx.pool, { actor: taken.identity.subject, action: 'login-failed', resource: 'session', object: taken.identity.subject, result: 'failure', detail: { sso: true, reason: 'the CLI code verifier does not match', address: request.ip } });
      throw invalidInput('the code verifier does not match the login it was issued for');
    }
    const session = await createSsoSession(ctx.pool, ctx.secrets, taken.identity, ctx.settings.sessionTtlSeconds);
    await auditLogin(ctx, taken.identity, request.ip, 'cli');
    return { token: session.token, expiresAt: session.expiresAt.toISOString(), username: taken.identity.subject, groups: taken.identity.groups };
  });

  app.get('/auth/logout', {
    config: { public: true },
    schema: { summary: "End the session (and the provider's, when it has an end_session_endpoint)", tags: ['session'] },
  }, async (request, reply) => logout(ctx, client, request, reply, new URL('/', redirectUri()).toString(), config?.logoutUrl));
};

// The code exchanged and the ID token verified, then the identity RBAC will see; every refusal is audited.
async function verifiedIdentity(ctx: HubContext, oidc: OidcClient, request: FastifyRequest<{ Querystring: Record<string, string> }>, expected: { state: string; nonce: string; codeVerifier: string }, redirectUri: string): Promise<SsoIdentity> {
  const fail = async (actor: string, reason: string, error: FlotillaError): Promise<never> => {
    await recordAudit(ctx.pool, { actor, action: 'login-failed', resource: 'session', object: actor, result: 'failure', detail: { sso: true, reason, address: request.ip } });
    ctx.log.info({ actor, reason, address: request.ip }, 'SSO login failed');
    throw error;
  };
  // Whoever crafted the link chose these: short printable ASCII only reaches the audit, log and answer.
  const error = providerText(request.query.error);
  const description = providerText(request.query.error_description);
  if (request.query.error) return fail('unknown', `the provider answered ${error}`, unauthenticated(`SSO login refused by the identity provider: ${error}${description ? `: ${description}` : ''}`));
  // The callback as the provider addressed it: the configured redirect URL with the query it sent.
  const callback = new URL(redirectUri);
  callback.search = new URLSearchParams(request.query).toString();
  let verified;
  try {
    verified = await oidc.verifyCallback(callback, expected);
  } catch (refused) {
    if (refused instanceof FlotillaError && refused.statusCode === 401) return fail('unknown', refused.message, refused);
    throw refused;
  }
  const claims = identityOfClaims(verified.claims, await groupsClaims(ctx.pool));
  if (!claims) return fail('unknown', 'the ID token names no subject', unauthenticated('SSO login refused: the ID token names no subject (sub)'));
  if (isReservedSubject(claims.subject)) {
    return fail(claims.subject, 'the subject is named like an RBAC role', unauthenticated(`SSO login refused: the provider's subject "${claims.subject}" is named like an RBAC role`));
  }
  if (claims.ignoredGroups.length) ctx.log.warn({ actor: claims.subject, groups: claims.ignoredGroups }, 'SSO groups named like RBAC roles ignored');
  // A group named like a local account would hold its rights too (casbin reads each group as a subject: `g, admin, role:admin`).
  const accountGroups = await localAccountNames(ctx.pool, claims.groups);
  if (accountGroups.length) ctx.log.warn({ actor: claims.subject, groups: accountGroups }, 'SSO groups named like local accounts ignored');
  const groups = claims.groups.filter((g) => !accountGroups.includes(g));
  // A subject that is a local account's name would act as that account (`admin` holds role:admin).
  if (await isLocalAccountName(ctx.pool, claims.subject)) {
    return fail(claims.subject, 'the subject is a local account name', unauthenticated(`SSO login refused: the provider's subject "${claims.subject}" is the name of a local account`));
  }
  return { subject: claims.subject, groups, ...(claims.email ? { email: claims.email } : {}), ...(verified.idToken ? { idToken: verified.idToken } : {}) };
}

async function auditLogin(ctx: HubContext, identity: SsoIdentity, address: string, via: 'browser' | 'cli'): Promise<void> {
  await recordAudit(ctx.pool, { actor: identity.subject, action: 'login', resource: 'session', object: identity.subject, detail: { sso: true, via, groups: identity.groups, ...(identity.email ? { email: identity.email } : {}), address } });
}

// Ends whatever session the cookie (or bearer) names; an SSO one also at the provider when it can.
async function logout(ctx: HubContext, client: OidcClient | undefined, request: FastifyRequest, reply: FastifyReply, home: string, logoutUrl: string | undefined): Promise<FastifyReply> {
  // A link or form on another site (SameSite=Lax sends the cookie on top-level navigations) ends nothing.
  // CLIs and old browsers send no Sec-Fetch-Site: they log out as before.
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    ctx.log.info({ site, address: request.ip }, 'cross-site logout refused');
    return reply.header('cache-control', 'no-store').redirect(home, 303);
  }
  const token = bearerToken(request);
  let ended: SsoIdentity | undefined;
  if (token && isSsoSessionToken(token)) ended = await deleteSsoSession(ctx.pool, ctx.secrets, token);
  else if (token) await deleteSession(ctx.pool, token);
  void reply.header('set-cookie', clearedSessionCookie(ctx.settings.tls)).header('cache-control', 'no-store');
  if (ended) await recordAudit(ctx.pool, { actor: ended.subject, action: 'logout', resource: 'session', object: ended.subject, detail: { sso: true } });
  const provider = ended && client ? await client.endSessionUrl(ended.idToken, home) : undefined;
  // Argo CD's logoutURL, with its {{token}} and {{logoutRedirectURL}} placeholders, when the provider advertises no logout.
  const fallback = ended && logoutUrl ? logoutUrl.replace('{{token}}', encodeURIComponent(ended.idToken ?? '')).replace('{{logoutRedirectURL}}', encodeURIComponent(home)) : undefined;
  return reply.redirect(provider?.toString() ?? fallback ?? home, 303);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
