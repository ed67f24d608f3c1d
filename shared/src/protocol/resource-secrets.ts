// Secret values in a live read (issue 17), shown as Argo CD's HideSecretData shows them: every value
// masked with '+', the same value on both sides with the same mask and different values with masks
// of different lengths, so the UI's diff shows that a value changed without showing the value.
// Values never leave the agent, so it sends per data key an HMAC-SHA256 of the value keyed with a
// random key the hub chose for that one request (`digestKey`, protocol/resource.ts); the hub takes
// the same HMAC of the desired value, compares, masks both sides and keeps neither digest nor key:
// outside that exchange a digest tells nothing, and the browser never sees one.
import { createHmac } from 'node:crypto';
import { isCoreSecret, objectForDisplay, secretKeys, SECRET_VALUE_MASK } from './resource.ts';

type Obj = Record<string, unknown>;

/** Bytes of the per-request digest key the hub sends. */
export const DIGEST_KEY_BYTES = 32;

/**
 * A core Secret's values as the API server stores them (pure): data base64-decoded, stringData
 * (which wins, as on the server) as UTF-8; undefined for any other object.
 */
export function secretValues(obj: Obj): Map<string, Buffer> | undefined {
  if (!isCoreSecret(obj)) return undefined;
  const values = new Map<string, Buffer>();
  const text = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  for (const [field, encoding] of [['data', 'base64'], ['stringData', 'utf8']] as const) {
    const map = obj[field];
    if (!map || typeof map !== 'object' || Array.isArray(map)) continue;
    for (const [key, value] of Object.entries(map)) values.set(key, Buffer.from(text(value), encoding));
  }
  return values;
}

/** Per data key of a core Secret, the HMAC-SHA256 (base64) of its value keyed with `key`; undefined for any other object. */
export function secretDigests(obj: Obj, key: Buffer): Record<string, string> | undefined {
  const values = secretValues(obj);
  if (!values) return undefined;
  return Object.fromEntries([...values].map(([name, value]) => [name, createHmac('sha256', key).update(value).digest('base64')]));
}

/**
 * The mask of every data key on each side (pure), as Argo CD gives them: per key, the first value
 * (desired's, then live's) gets SECRET_VALUE_MASK, a different one four '+' more; an unknown digest
 * (undefined: an agent that sent none) is taken as equal, so both show the first mask.
 */
export function secretMasks(desired: Readonly<Record<string, string | undefined>>, live: Readonly<Record<string, string | undefined>>): { desired: Record<string, string>; live: Record<string, string> } {
  const out = { desired: {} as Record<string, string>, live: {} as Record<string, string> };
  for (const key of new Set([...Object.keys(desired), ...Object.keys(live)])) {
    const seen = new Map<string, string>();
    let next = SECRET_VALUE_MASK;
    for (const side of ['desired', 'live'] as const) {
      if (!Object.hasOwn(side === 'desired' ? desired : live, key)) continue;
      const digest = (side === 'desired' ? desired : live)[key];
      let mask = digest === undefined ? SECRET_VALUE_MASK : seen.get(digest);
      if (mask === undefined) {
        mask = next;
        next += '++++';
        seen.set(digest!, mask);
      }
      out[side][key] = mask;
    }
  }
  return out;
}

/**
 * The desired and live objects as the UI may show them (pure but for the HMAC): both through
 * objectForDisplay, a Secret's values masked consistently by comparing the desired values' digests
 * under `key` with the live digests the agent sent (none: every value the first mask).
 */
export function displayPair(desired: Obj | undefined, live: Obj | undefined, liveDigests: Readonly<Record<string, string>> | undefined, key: Buffer): { desired?: Obj; live?: Obj } {
  const desiredDigests: Record<string, string | undefined> = (desired && secretDigests(desired, key)) ?? {};
  // Only the keys the live object has count; a digest for any other key is ignored.
  const liveKeys: Record<string, string | undefined> = live && isCoreSecret(live)
    ? Object.fromEntries(secretKeys(live).map((k) => [k, liveDigests && Object.hasOwn(liveDigests, k) ? liveDigests[k] : undefined]))
    : {};
  if (!liveDigests) for (const k of Object.keys(desiredDigests)) desiredDigests[k] = undefined;
  const masks = secretMasks(desiredDigests, liveKeys);
  return {
    ...(desired ? { desired: objectForDisplay(desired, masks.desired) } : {}),
    ...(live ? { live: objectForDisplay(live, masks.live) } : {}),
  };
}
