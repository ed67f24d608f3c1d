// Local accounts and their API tokens (Argo CD's account service): list and show accounts (with
// their tokens' ids, never the tokens), create one, enable or disable it and set its capabilities,
// set another account's password, and issue and revoke API tokens. An account always may show
// itself, change its own password, and issue and revoke its own tokens (RouteAccess.self).
import type { FastifyPluginAsync } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { alreadyExists, FlotillaError, invalidInput, notFound } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { createAccount, getAccount, listAccounts, updateAccount, updatePassword, type AccountRecord } from '../../store/accounts.ts';
import { issueApiToken, listApiTokens, revokeApiToken, type TokenRecord } from '../../store/api-tokens.ts';
import { recordAudit } from '../../store/audit.ts';
import { accountNameProblem, canHoldTokens, normalizeCapabilities, TOKEN_ID } from '../../accounts/account-rules.ts';
import { expiryOf, parseExpiresIn } from '../../accounts/token-expiry.ts';
import { bearerToken } from '../auth.ts';
import { authenticatePassword } from '../login.ts';
import { AccountCreateBody, AccountParams, AccountPatchBody, AccountTokenParams, TokenCreateBody } from '../account-schemas.ts';
import { errorResponses, PasswordBody } from '../schemas.ts';
import { withRetryAfter } from './session.ts';

const withThrottle = { ...errorResponses, 429: { $ref: 'ErrorBody#' } };

/** A token as the API shows it. */
export const tokenView = (t: TokenRecord) => ({ id: t.id, issuedAt: t.issuedAt.toISOString(), expiresAt: t.expiresAt?.toISOString() ?? null, lastUsedAt: t.lastUsedAt?.toISOString() ?? null });

const accountView = (a: AccountRecord, tokens: TokenRecord[]) => ({ name: a.name, enabled: a.enabled, capabilities: a.capabilities, passwordSet: a.hasPassword, tokens: tokens.map(tokenView) });

/** The capabilities in a body, or a 400 naming the field. */
function capabilitiesOf(values: string[]): string[] {
  const result = normalizeCapabilities(values);
  if ('error' in result) throw invalidInput(result.error, [{ path: 'body.capabilities', message: result.error }]);
  return result.capabilities;
}

/** The lifetime in a body, or a 400 naming the field. */
export function lifetimeOf(expiresIn: number | string | undefined): number {
  const result = parseExpiresIn(expiresIn);
  if ('error' in result) throw invalidInput(`expiresIn ${result.error}`, [{ path: 'body.expiresIn', message: result.error }]);
  return result.seconds;
}

/** A token id from a body, or a 400 naming the field. */
export function tokenIdOf(id: string | undefined): string | undefined {
  if (id !== undefined && !TOKEN_ID.test(id)) throw invalidInput("a token id is letters, digits, '-', '_' or '.', up to 128", [{ path: 'body.id', message: 'invalid token id' }]);
  return id;
}

async function accountOrNotFound(ctx: HubContext, name: string): Promise<AccountRecord> {
  const account = await getAccount(ctx.pool, name);
  if (!account) throw notFound('account', name);
  return account;
}

/** /api/v1/account and /api/v1/account/:name…. */
export const accountRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  app.get('/', {
    config: { rbac: { resource: 'accounts', action: 'get' } },
    schema: { summary: 'List accounts', tags: ['accounts'], response: errorResponses },
  }, async () => ({ items: await Promise.all((await listAccounts(ctx.pool)).map(async (a) => accountView(a, await listApiTokens(ctx.pool, a.name)))) }));

  app.get<{ Params: Static<typeof AccountParams> }>('/:name', {
    config: { rbac: { resource: 'accounts', action: 'get' }, self: true },
    schema: { summary: 'Show an account and its tokens', tags: ['accounts'], params: AccountParams, response: errorResponses },
  }, async (request) => {
    const account = await accountOrNotFound(ctx, request.params.name);
    return accountView(account, await listApiTokens(ctx.pool, account.name));
  });

  app.post<{ Body: Static<typeof AccountCreateBody> }>('/', {
    config: { rbac: { resource: 'accounts', action: 'create' } },
    schema: { summary: 'Create a local account', tags: ['accounts'], body: AccountCreateBody, response: withThrottle },
  }, async (request, reply) => {
    const { name, password, enabled = true } = request.body;
    const problem = accountNameProblem(name);
    if (problem) throw invalidInput(`invalid account name "${name}": ${problem}`, [{ path: 'body.name', message: problem }]);
    const capabilities = capabilitiesOf(request.body.capabilities ?? ['login']);
    const passwordHash = password === undefined ? null : await withRetryAfter(reply, ctx.passwords.hash(password));
    if (!(await createAccount(ctx.pool, { name, capabilities, enabled, passwordHash }))) throw alreadyExists('account', name);
    await recordAudit(ctx.pool, { actor: request.account, action: 'create', resource: 'accounts', object: name, detail: { capabilities, enabled, passwordSet: passwordHash !== null } });
    void reply.status(201);
    return accountView((await getAccount(ctx.pool, name))!, []);
  });

  app.patch<{ Params: Static<typeof AccountParams>; Body: Static<typeof AccountPatchBody> }>('/:name', {
    config: { rbac: { resource: 'accounts', action: 'update' } },
    schema: { summary: 'Enable or disable an account, or set its capabilities', tags: ['accounts'], params: AccountParams, body: AccountPatchBody, response: errorResponses },
  }, async (request) => {
    const { name } = request.params;
    const capabilities = request.body.capabilities && capabilitiesOf(request.body.capabilities);
    // Locking oneself out takes another admin to undo: refused.
    if (name === request.account && (request.body.enabled === false || (capabilities && !capabilities.includes('login')))) {
      throw new FlotillaError('FLT_ERR_CONFLICT', 'you cannot disable the account you are logged in as, nor take its login capability');
    }
    if (!(await updateAccount(ctx.pool, name, { enabled: request.body.enabled, capabilities }))) throw notFound('account', name);
    await recordAudit(ctx.pool, { actor: request.account, action: 'update', resource: 'accounts', object: name, detail: { ...request.body, ...(capabilities ? { capabilities } : {}) } });
    return accountView((await getAccount(ctx.pool, name))!, await listApiTokens(ctx.pool, name));
  });

  app.put<{ Params: Static<typeof AccountParams>; Body: Static<typeof PasswordBody> }>('/:name/password', {
    config: { rbac: { resource: 'accounts', action: 'update' }, self: true },
    schema: { summary: "Set an account's password (currentPassword is the caller's own)", tags: ['accounts'], params: AccountParams, body: PasswordBody, response: withThrottle },
  }, async (request, reply) => {
    const { name } = request.params;
    await accountOrNotFound(ctx, name);
    // The caller proves it is itself (a stolen session alone cannot reset passwords); project tokens have no password.
    const ok = await withRetryAfter(reply, authenticatePassword(ctx, { username: request.account, password: request.body.currentPassword, ip: request.ip }));
    if (!ok) throw invalidInput('the current password is wrong', [{ path: 'body.currentPassword', message: 'does not match' }]);
    await withRetryAfter(reply, updatePassword(ctx.pool, ctx.passwords, ctx.settings.dataDir, name, request.body.newPassword, name === request.account ? bearerToken(request) : undefined));
    await recordAudit(ctx.pool, { actor: request.account, action: 'update-password', resource: 'accounts', object: name, detail: {} });
    return { updated: true };
  });

  app.post<{ Params: Static<typeof AccountParams>; Body: Static<typeof TokenCreateBody> }>('/:name/token', {
    config: { rbac: { resource: 'accounts', action: 'update' }, self: true },
    schema: { summary: 'Issue an API token for an account (answered once)', tags: ['accounts'], params: AccountParams, body: TokenCreateBody, response: errorResponses },
  }, async (request, reply) => {
    const { name } = request.params;
    const account = await accountOrNotFound(ctx, name);
    if (!canHoldTokens(account.capabilities)) throw invalidInput(`account ${name} does not have the apiKey capability`, [{ path: 'capabilities', message: 'apiKey is required for tokens' }]);
    if (!account.enabled) throw invalidInput(`account ${name} is disabled`);
    const seconds = lifetimeOf(request.body.expiresIn);
    const id = tokenIdOf(request.body.id);
    const issuedAt = new Date();
    const issued = await issueApiToken(ctx.pool, name, { id, issuedAt, expiresAt: expiryOf(issuedAt, seconds) });
    if (!issued) throw alreadyExists('token', `${name}/${id}`);
    await recordAudit(ctx.pool, { actor: request.account, action: 'token-issued', resource: 'accounts', object: `${name}/${issued.record.id}`, detail: { expiresAt: issued.record.expiresAt?.toISOString() ?? null } });
    void reply.status(201);
    return { token: issued.token, ...tokenView(issued.record) };
  });

  app.delete<{ Params: Static<typeof AccountTokenParams> }>('/:name/token/:id', {
    config: { rbac: { resource: 'accounts', action: 'update' }, self: true },
    schema: { summary: "Revoke one of an account's API tokens", tags: ['accounts'], params: AccountTokenParams, response: errorResponses },
  }, async (request) => {
    const { name, id } = request.params;
    if (!(await revokeApiToken(ctx.pool, name, id))) throw notFound('token', `${name}/${id}`);
    await recordAudit(ctx.pool, { actor: request.account, action: 'token-revoked', resource: 'accounts', object: `${name}/${id}`, detail: {} });
    return { revoked: true };
  });
};
