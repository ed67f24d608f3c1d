// RespectIgnoreDifferences=true (pure): the object a sync applies keeps, for every field the
// application's ignoreDifferences select (JSON pointers, jq paths), the live object's value, as
// Argo CD's normalizeTargetResources does: the ignored fields are removed from the target, and
// the live values of the fields ignored in live are put back. An ignored field the live object
// lacks is left out of the apply. A list whose items are partly ignored is taken from live whole.
// managedFieldsManagers rules are not applied here (Argo CD does not either).
import { normalize, type IgnoreRule } from './diff.ts';
import type { KubeObject } from './objects.ts';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The target to apply with ignored fields at their live values; the target itself when there is no live copy or no rule matches. */
export function keepIgnoredFields(target: KubeObject, live: KubeObject | undefined, rules: readonly IgnoreRule[]): KubeObject {
  const usable = rules.filter((r) => (r.jsonPointers?.length ?? 0) + (r.jqPathExpressions?.length ?? 0) > 0);
  if (!live || usable.length === 0) return target;
  const pointersOnly = usable.map((r) => ({ ...r, managedFieldsManagers: [] }));
  const normalizedTarget = normalize(target, pointersOnly);
  const liveWhole = normalize(live, []);
  const liveIgnored = normalize(live, pointersOnly);
  // normalize also drops status and server metadata, which an apply does not set anyway.
  return restore(normalizedTarget, liveWhole, liveIgnored) as KubeObject;
}

/** target plus, at each place where `whole` has what `ignored` lacks, whole's value. */
function restore(target: unknown, whole: Json, ignored: Json): Json {
  const out: Json = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(whole)) {
    if (!(key in ignored)) {
      out[key] = structuredClone(value);
    } else if (isRecord(value) && isRecord(ignored[key])) {
      const inner = restore(out[key], value, ignored[key] as Json);
      if (Object.keys(inner).length || key in out) out[key] = inner;
    } else if (Array.isArray(value) && JSON.stringify(value) !== JSON.stringify(ignored[key])) {
      out[key] = structuredClone(value);
    }
  }
  return out;
}
