// Who a bearer token names. Three kinds, told apart by shape: `flt_a_` API tokens of local
// accounts, JWTs of project roles (`proj:<project>:<role>`), and otherwise login sessions. Each
// is checked against the store on every request (revoked or expired: refused at once, on every
// replica). A refused token we issued is audited (whose it was, and why); an unknown one is only
// logged, without the token. A live token's use is audited once a minute per token.
import { unauthenticated } from '@flotilla/shared';
import { sessionAccount } from '../store/accounts.ts';
import { isSsoSessionToken, ssoSession } from '../store/sso.ts';
import { lookUpApiToken } from '../store/api-tokens.ts';
import { recordAudit } from '../store/audit.ts';
import { auditTokenUse } from './repeated-audit.ts';
import { projectTokenProblem } from '../store/project-tokens.ts';
import { signingKey } from '../store/signing-keys.ts';
import { headerKid, isJwtShaped, verifyProjectJwt } from '../accounts/project-jwt.ts';
import type { HubContext } from './context.ts';

/** The authenticated caller: an account name (or `proj:<project>:<role>`) and its groups. */
export interface Principal {
  account: string;
  groups: string[];
  /** How it authenticated. */
  kind: 'session' | 'apiToken' | 'projectToken';
}

/** The caller a token names; throws 401 when it names none. */
export async function resolveCredential(ctx: HubContext, token: string, source: { ip: string }): Promise<Principal> {
  if (token.startsWith('flt_a_')) return apiTokenPrincipal(ctx, token, source);
  if (isJwtShaped(token)) return projectTokenPrincipal(ctx, token, source);
  if (isSsoSessionToken(token)) return ssoSessionPrincipal(ctx, token);
  const account = await sessionAccount(ctx.pool, token);
  if (!account) throw unauthenticated('the token is invalid or expired: log in again');
  return { account, groups: [], kind: 'session' };
}

// An SSO session (api/routes/sso.ts): its subject, and the groups its ID token gave at login.
async function ssoSessionPrincipal(ctx: HubContext, token: string): Promise<Principal> {
  const session = await ssoSession(ctx.pool, token);
  if (!session) throw unauthenticated('the token is invalid or expired: log in again');
  return { account: session.subject, groups: session.groups, kind: 'session' };
}

async function apiTokenPrincipal(ctx: HubContext, token: string, source: { ip: string }): Promise<Principal> {
  const found = await lookUpApiToken(ctx.pool, token);
  if (found.live) return used(ctx, { account: found.account, groups: [], kind: 'apiToken' }, { resource: 'accounts', object: `${found.account}/${found.id}`, ip: source.ip });
  if (found.account === undefined) return refuseUnknown(ctx, 'apiToken', source);
  await refuse(ctx, { actor: found.account, resource: 'accounts', object: `${found.account}/${found.id}`, reason: found.reason, ip: source.ip });
  throw unauthenticated(`the API token ${found.id} of account ${found.account} is refused: ${found.reason}`);
}

async function projectTokenPrincipal(ctx: HubContext, token: string, source: { ip: string }): Promise<Principal> {
  const kid = headerKid(token);
  const key = kid === undefined ? undefined : await signingKey(ctx.pool, ctx.secrets, kid);
  const check = verifyProjectJwt(token, (k) => (k === kid ? key?.secret : undefined), Math.floor(Date.now() / 1000));
  // A forged or foreign JWT names nobody we know: its claims are not to be believed.
  if (!check.ok && (check.claims === undefined || check.reason === 'not a project role token')) return refuseUnknown(ctx, 'projectToken', source, check.reason);
  const claims = check.claims!;
  const [project = '', role = ''] = check.ok ? [check.project, check.role] : claims.sub.split(':').slice(1);
  const problem = check.ok ? await projectTokenProblem(ctx.pool, token, { project, role, id: claims.jti }) : check.reason;
  if (problem === undefined) return used(ctx, { account: claims.sub, groups: [], kind: 'projectToken' }, { resource: 'projects', object: `${project}/${role}/${claims.jti}`, ip: source.ip });
  await refuse(ctx, { actor: claims.sub, resource: 'projects', object: `${project}/${role}/${claims.jti}`, reason: problem, ip: source.ip });
  throw unauthenticated(`the token ${claims.jti} of ${claims.sub} is refused: ${problem}`);
}

// A live token's use is audited, coalesced to one entry per token per minute (repeated-audit.ts).
async function used(ctx: HubContext, principal: Principal, token: { resource: 'accounts' | 'projects'; object: string; ip: string }): Promise<Principal> {
  await auditTokenUse(ctx, { actor: principal.account, kind: principal.kind as 'apiToken' | 'projectToken', ...token });
  return principal;
}

async function refuse(ctx: HubContext, what: { actor: string; resource: string; object: string; reason: string; ip: string }): Promise<void> {
  ctx.log.warn({ actor: what.actor, tokenId: what.object, reason: what.reason, address: what.ip }, 'token refused');
  await recordAudit(ctx.pool, { actor: what.actor, action: 'token-refused', resource: what.resource, object: what.object, result: 'denied', detail: { reason: what.reason, address: what.ip } });
}

function refuseUnknown(ctx: HubContext, kind: Principal['kind'], source: { ip: string }, reason = 'unknown token'): never {
  ctx.log.info({ kind, reason, address: source.ip }, 'unknown token refused');
  throw unauthenticated('the token is invalid or expired');
}
