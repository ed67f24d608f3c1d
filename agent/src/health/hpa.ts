// HorizontalPodAutoscaler health, after gitops-engine's health_hpa.go: autoscaling/v1 keeps its conditions
// in an annotation, v2 (and v2beta1/v2beta2) in status.conditions; the first telling condition wins.
import { asRecord, groupVersion, health, records, str, unsupported } from './fields.ts';
import type { HealthResult, KubeObject } from './types.ts';

const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
const WAITING: HealthResult = { status: 'Progressing', message: 'Waiting to Autoscale' };

type HpaCondition = { type: string; reason: string; message: string; status: string };

/** Type/reason pairs that mean the autoscaler cannot do its job. */
const DEGRADED = new Set(['AbleToScale/FailedGetScale', 'AbleToScale/FailedUpdateScale', 'ScalingActive/FailedGetResourceMetric', 'ScalingActive/InvalidSelector']);

/** Reads a field as Go's encoding/json does for an untagged struct: the exact key, else any case. */
function field(entry: Record<string, unknown>, key: string): string {
  if (key in entry) return str(entry[key]);
  const match = Object.keys(entry).find((k) => k.toLowerCase() === key.toLowerCase());
  return match === undefined ? '' : str(entry[match]);
}

function toConditions(list: unknown): HpaCondition[] {
  return records(list).map((c) => ({ type: field(c, 'type'), reason: field(c, 'reason'), message: field(c, 'message'), status: field(c, 'status') }));
}

function checkConditions(conditions: HpaCondition[]): HealthResult {
  for (const c of conditions) {
    if (DEGRADED.has(`${c.type}/${c.reason}`)) return health('Degraded', c.message);
    if ((c.type === 'AbleToScale' || c.type === 'ScalingLimited') && c.status === 'True') return health('Healthy', c.message);
  }
  return { ...WAITING };
}

function v1Conditions(obj: KubeObject): HealthResult {
  const annotations = asRecord(obj.metadata?.annotations) ?? {};
  if (!Object.hasOwn(annotations, CONDITIONS_ANNOTATION)) return { ...WAITING };
  let parsed: unknown;
  try {
    parsed = JSON.parse(str(annotations[CONDITIONS_ANNOTATION]));
  } catch (err) {
    return { status: 'Unknown', message: `failed to convert conditions annotation to typed: ${(err as Error).message}` };
  }
  if (parsed !== null && !Array.isArray(parsed)) {
    return { status: 'Unknown', message: 'failed to convert conditions annotation to typed: not a JSON array' };
  }
  const conditions = toConditions(parsed);
  return conditions.length === 0 ? { ...WAITING } : checkConditions(conditions);
}

/** Health of an autoscaling HorizontalPodAutoscaler (v1, v2beta1, v2beta2 or v2). */
export function hpaHealth(obj: KubeObject): HealthResult {
  const { version } = groupVersion(obj);
  if (version === 'v1') return v1Conditions(obj);
  if (version === 'v2' || version === 'v2beta2' || version === 'v2beta1') {
    return checkConditions(toConditions(asRecord(obj.status)?.['conditions']));
  }
  return unsupported('HPA', obj);
}
