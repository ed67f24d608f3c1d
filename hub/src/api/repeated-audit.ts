// Audit entries a client can cause on every request: the use of an API token or project role JWT,
// an RBAC denial and a failed mutation (failure-audit.ts). Each is recorded, coalesced to at most
// one entry per token (per denied or failed act) per 60 s: in memory per replica first
// (audit-throttle.ts), then in the store across replicas. An account is bounded to 60 distinct
// denials (and 60 failures) a minute; what is left out is named in a warning (once a minute per
// actor), never silently. Writes that fail are logged, not answered.
import type { HubContext } from './context.ts';
import { hasDenialSince, recordAuditCoalesced, type AuditWrite } from '../store/audit.ts';
import { AuditThrottle } from './audit-throttle.ts';
import { redactUrlsIn } from '../repo/url-userinfo.ts';

/** The window over which repeated acts coalesce into one entry. */
export const COALESCE_SECONDS = 60;

interface Throttles {
  tokens: AuditThrottle;
  denials: AuditThrottle;
  failures: AuditThrottle;
  warnings: AuditThrottle;
}

// One set per hub (keyed by its pool: tests run several hubs in one process).
const throttles = new WeakMap<object, Throttles>();
function throttlesOf(ctx: HubContext): Throttles {
  let found = throttles.get(ctx.pool);
  if (!found) {
    const windowMs = COALESCE_SECONDS * 1000;
    found = {
      tokens: new AuditThrottle({ windowMs, perActor: 1000, maxKeys: 20_000 }),
      denials: new AuditThrottle({ windowMs, perActor: 60, maxKeys: 20_000 }),
      failures: new AuditThrottle({ windowMs, perActor: 60, maxKeys: 20_000 }),
      warnings: new AuditThrottle({ windowMs, perActor: 1, maxKeys: 10_000 }),
    };
    throttles.set(ctx.pool, found);
  }
  return found;
}

// What the client named is stored with every URL's password masked (a repository URL written
// with its credentials), and a NUL (which PostgreSQL text cannot hold) kept visible as U+FFFD.
const clean = (text: string) => redactUrlsIn(text.replaceAll('\0', '\uFFFD'));
function storable(entry: AuditWrite): AuditWrite {
  return { ...entry, actor: clean(entry.actor), object: clean(entry.object), detail: JSON.parse(redactUrlsIn(JSON.stringify(entry.detail).replaceAll('\\u0000', '\\ufffd'))) as AuditWrite['detail'] };
}

// `told` answers whether the act is in the log already (asked only of acts the throttle admits).
async function write(ctx: HubContext, throttle: AuditThrottle, key: string, entry: AuditWrite, told?: () => Promise<boolean>): Promise<void> {
  const verdict = throttle.admit(entry.actor, key, Date.now());
  if (verdict === 'coalesced') return;
  if (verdict === 'suppressed') {
    if (throttlesOf(ctx).warnings.admit(entry.actor, entry.actor, Date.now()) === 'record') {
      ctx.log.warn({ actor: entry.actor, action: entry.action, resource: entry.resource }, 'audit entries of this actor are over their bound for this minute: more are left out');
    }
    return;
  }
  try {
    if (told && (await told())) return;
    await recordAuditCoalesced(ctx.pool, storable(entry), COALESCE_SECONDS);
  } catch (error) {
    ctx.log.error({ err: error, actor: entry.actor, action: entry.action }, 'cannot write an audit entry');
  }
}

/** Records that a token was used (at most once per token per 60 s); `object` is its id, never its value. */
export async function auditTokenUse(ctx: HubContext, use: { actor: string; resource: 'accounts' | 'projects'; object: string; kind: 'apiToken' | 'projectToken'; ip: string }): Promise<void> {
  await write(ctx, throttlesOf(ctx).tokens, `${use.resource}/${use.object}`, {
    actor: use.actor, action: 'token-used', resource: use.resource, object: use.object, detail: { kind: use.kind, address: use.ip },
  });
}

/** Records an RBAC denial (at most once per actor, action and object per 60 s). */
export async function auditDenial(ctx: HubContext, denial: { actor: string; resource: string; action: string; object: string; reason: string; route: string; ip: string }): Promise<void> {
  await write(ctx, throttlesOf(ctx).denials, [denial.actor, denial.resource, denial.action, denial.object].join('\0'), {
    actor: denial.actor, action: denial.action, resource: denial.resource, object: denial.object, result: 'denied',
    detail: { reason: denial.reason, route: denial.route, address: denial.ip },
  });
}

/**
 * Records a failed mutation (at most once per actor, route, object and status per 60 s), unless
 * the request's handler audited a refusal of this actor itself (a `denied` entry) while it ran
 * (`elapsedMs`; a parallel request's refusal may hide it: a denial is told either way).
 */
export async function auditFailure(ctx: HubContext, failure: { actor: string; resource: string; action: string; object: string; route: string; status: number; code?: string; elapsedMs: number }): Promise<void> {
  await write(ctx, throttlesOf(ctx).failures, [failure.actor, failure.route, failure.object, failure.status].join('\0'), {
    actor: failure.actor, action: failure.action, resource: failure.resource, object: failure.object, result: 'failure',
    detail: { route: failure.route, status: failure.status, ...(failure.code ? { code: failure.code } : {}) },
  }, () => hasDenialSince(ctx.pool, failure.actor, failure.elapsedMs));
}
