// What the live object becomes once the desired one is applied: the desired fields laid over the
// live object (maps merged key by key, lists and scalars replaced). The Diff tab compares the live
// object with this, as Argo CD compares live with its predicted live state, so fields the server or
// other writers own (uid, resourceVersion, status, tracking labels) are not shown as differences.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isMap = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The live object with the desired object's fields applied (live's key order first, new keys after). */
export function predictedLive(live: unknown, desired: unknown): unknown {
  if (!isMap(live) || !isMap(desired)) return desired;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(live)) out[key] = key in desired ? predictedLive(value, desired[key]) : value;
  for (const [key, value] of Object.entries(desired)) if (!(key in live)) out[key] = value;
  return out;
}
