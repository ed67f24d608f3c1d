// Checking a username and password the way every password route must: throttled per account and
// client address (login-throttle.ts over store/login-failures.ts), then one scrypt derivation
// whether or not the account exists, so neither the answer nor its time says which names exist.
//   1. write the attempt down and gather the failures before it;
//   2. refused by a rule: forget the attempt (it checked nothing) and answer 429 with Retry-After;
//   3. check the password (store/accounts.ts; a matched old-format hash is upgraded);
//   4. wrong: the attempt stays as a failure; right: the account's failures from here are cleared.
import { tooManyRequests } from '@flotilla/shared';
import { checkLogin } from '../store/accounts.ts';
import { beginLoginAttempt, clearLoginFailures, forgetLoginAttempt } from '../store/login-failures.ts';
import { CURRENT_SCRYPT_PARAMS, type ScryptParams } from '../store/password-hash.ts';
import type { HubContext } from './context.ts';
import { addressKey, decideLoginAttempt, DEFAULT_LOGIN_THROTTLE, largestLimit, longestWindowSeconds, type LoginThrottlePolicy } from './login-throttle.ts';

/** How the hub hashes passwords and throttles logins. */
export interface LoginSettings {
  /** scrypt parameters for new hashes (and for upgrading old ones at login). */
  scrypt: ScryptParams;
  /** Password derivations that may run at once, and how many more may wait (beyond: 429). */
  maxConcurrentHashes: number;
  maxQueuedHashes: number;
  throttle: LoginThrottlePolicy;
}

/** Defaults: OWASP's scrypt parameters, two derivations at a time (2 × 128 MiB), 16 waiting. */
export const DEFAULT_LOGIN_SETTINGS: LoginSettings = Object.freeze({
  scrypt: CURRENT_SCRYPT_PARAMS,
  maxConcurrentHashes: 2,
  maxQueuedHashes: 16,
  throttle: DEFAULT_LOGIN_THROTTLE,
});

/** Account names longer than this are cut to it in throttle keys (no account has such a name). */
const MAX_KEY_NAME = 256;

/** A password check for a login or a password change. */
export interface PasswordAttempt {
  username: string;
  password: string;
  /** The client's IP address (request.ip). */
  ip: string;
}

/** The account the password opens, undefined for a wrong one; throws 429 when throttled. */
export async function authenticatePassword(ctx: HubContext, attempt: PasswordAttempt): Promise<string | undefined> {
  const policy = ctx.settings.login.throttle;
  const key = { account: attempt.username.slice(0, MAX_KEY_NAME), address: addressKey(attempt.ip) };
  const pending = await beginLoginAttempt(ctx.pool, key, { windowSeconds: longestWindowSeconds(policy), rows: largestLimit(policy) });
  const decision = decideLoginAttempt(policy, key, pending.prior, pending.nowMs);
  if (!decision.allowed) {
    await forgetLoginAttempt(ctx.pool, pending.id);
    ctx.log.warn({ account: key.account, address: key.address, rule: decision.rule, retryAfterSeconds: decision.retryAfterSeconds }, 'login throttled');
    throw tooManyRequests(`too many failed logins (${decision.rule}): try again in ${decision.retryAfterSeconds} s`, decision.retryAfterSeconds);
  }
  let account: string | undefined;
  try {
    account = await checkLogin(ctx.pool, ctx.passwords, attempt.username, attempt.password, ctx.log);
  } catch (error) {
    await forgetLoginAttempt(ctx.pool, pending.id); // the hasher was busy: nothing was checked
    throw error;
  }
  if (!account) {
    ctx.log.info({ account: key.account, address: key.address }, 'failed login');
    return undefined;
  }
  await clearLoginFailures(ctx.pool, key);
  return account;
}
