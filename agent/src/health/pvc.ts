// PersistentVolumeClaim health, after gitops-engine's health_pvc.go: the claim's phase decides
// (Bound, Pending, Lost); anything else is Unknown.
import { asRecord, groupVersion, health, unsupported } from './fields.ts';
import type { HealthResult, HealthStatus, KubeObject } from './types.ts';

const BY_PHASE: Record<string, HealthStatus> = { Bound: 'Healthy', Pending: 'Progressing', Lost: 'Degraded' };

/** Health of a v1 PersistentVolumeClaim. */
export function pvcHealth(obj: KubeObject): HealthResult {
  if (groupVersion(obj).version !== 'v1') return unsupported('PersistentVolumeClaim', obj);
  const phase = asRecord(obj.status)?.['phase'];
  return health((typeof phase === 'string' && Object.hasOwn(BY_PHASE, phase) ? BY_PHASE[phase] : undefined) ?? 'Unknown');
}
