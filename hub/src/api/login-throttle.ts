// Whether a login attempt may check its password, given the failed attempts before it. Three
// sliding windows, each a limit of failures within some seconds:
//   account-address  the same account from the same client address (guessing one password)
//   address          any account from one address (spraying one password over many accounts)
//   account          one account from any address (guessing from many addresses)
// An attempt is refused when, for any rule, `limit` failures that rule counts are still inside its
// window; it may retry once the limit-th newest of them leaves the window (Retry-After). Refused
// attempts do not count as failures, so a lockout ends one window after the last failure that
// caused it, however hard the client keeps knocking. A limit of 0 turns a rule off.
// Pure: the failures and the clock come in as data (store/login-failures.ts gathers them).
import { isIPv4, isIPv6 } from 'node:net';

/** One sliding window. */
export interface ThrottleRule {
  /** Failures allowed inside the window (0: the rule is off). */
  limit: number;
  windowSeconds: number;
}

/** The three rules. */
export interface LoginThrottlePolicy {
  accountAddress: ThrottleRule;
  address: ThrottleRule;
  account: ThrottleRule;
}

/** Defaults: 5 failures per account and address, 50 per address and 50 per account, in 5 minutes. */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = Object.freeze({
  accountAddress: { limit: 5, windowSeconds: 300 },
  address: { limit: 50, windowSeconds: 300 },
  account: { limit: 50, windowSeconds: 300 },
});

/** Who is attempting: the account name as typed and the client's address bucket. */
export interface LoginKey {
  account: string;
  address: string;
}

/** A failed attempt (or one still being checked). */
export interface LoginFailure extends LoginKey {
  atMs: number;
}

/** The rule names, as logged and answered. */
export type ThrottleRuleName = 'account-address' | 'address' | 'account';

/** The decision, with the rule that refused and when to come back. */
export type LoginDecision = { allowed: true } | { allowed: false; rule: ThrottleRuleName; retryAfterSeconds: number };

const RULES: [ThrottleRuleName, keyof LoginThrottlePolicy, (f: LoginFailure, k: LoginKey) => boolean][] = [
  ['account-address', 'accountAddress', (f, k) => f.account === k.account && f.address === k.address],
  ['address', 'address', (f, k) => f.address === k.address],
  ['account', 'account', (f, k) => f.account === k.account],
];

/** Decides an attempt from the failures before it; when refused, answers the longest wait. */
export function decideLoginAttempt(policy: LoginThrottlePolicy, key: LoginKey, prior: readonly LoginFailure[], nowMs: number): LoginDecision {
  let refusal: LoginDecision = { allowed: true };
  for (const [name, field, matches] of RULES) {
    const retryAt = retryAtFor(policy[field], prior.filter((f) => matches(f, key)), nowMs);
    if (retryAt === undefined) continue;
    const retryAfterSeconds = Math.max(1, Math.ceil((retryAt - nowMs) / 1000));
    if (refusal.allowed || retryAfterSeconds > refusal.retryAfterSeconds) refusal = { allowed: false, rule: name, retryAfterSeconds };
  }
  return refusal;
}

// When the rule lets attempts through again, or undefined when it does now.
function retryAtFor(rule: ThrottleRule, failures: LoginFailure[], nowMs: number): number | undefined {
  if (rule.limit <= 0) return undefined;
  const windowMs = rule.windowSeconds * 1000;
  const inWindow = failures.map((f) => f.atMs).filter((at) => at > nowMs - windowMs).sort((a, b) => b - a);
  if (inWindow.length < rule.limit) return undefined;
  return inWindow[rule.limit - 1]! + windowMs;
}

/** How far back any rule looks, in seconds. */
export function longestWindowSeconds(policy: LoginThrottlePolicy): number {
  return Math.max(...Object.values(policy).map((r: ThrottleRule) => (r.limit > 0 ? r.windowSeconds : 0)));
}

/** The most failures any rule needs to see. */
export function largestLimit(policy: LoginThrottlePolicy): number {
  return Math.max(...Object.values(policy).map((r: ThrottleRule) => r.limit));
}

/**
 * The address bucket of a client: IPv4 as is (also when IPv4-mapped), IPv6 by its /64 prefix,
 * since one host usually holds a whole /64 and could otherwise walk through its addresses.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
