// APIService health, after gitops-engine's health_apiservice.go: the Available condition decides;
// not (yet) available is Progressing, never Degraded.
import { asRecord, findCondition, groupVersion, health, str, unsupported } from './fields.ts';
import type { HealthResult, KubeObject } from './types.ts';

/** Health of an apiregistration.k8s.io APIService (v1 or v1beta1). */
export function apiServiceHealth(obj: KubeObject): HealthResult {
  const { version } = groupVersion(obj);
  if (version !== 'v1' && version !== 'v1beta1') return unsupported('APIService', obj);
  const available = findCondition(asRecord(obj.status)?.['conditions'], 'Available');
  if (!available) return health('Progressing', 'Waiting to be processed');
  const message = `${str(available['reason'])}: ${str(available['message'])}`;
  return health(available['status'] === 'True' ? 'Healthy' : 'Progressing', message);
}
