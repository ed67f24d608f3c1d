// Service health, after gitops-engine's health_service.go: a LoadBalancer waits for its first
// ingress point (an IP or hostname); every other type is Healthy at once.
import { asRecord, groupVersion, health, unsupported } from './fields.ts';
import type { HealthResult, KubeObject } from './types.ts';

/** Health of a v1 Service. */
export function serviceHealth(obj: KubeObject): HealthResult {
  if (groupVersion(obj).version !== 'v1') return unsupported('Service', obj);
  if (asRecord(obj.spec)?.['type'] !== 'LoadBalancer') return health('Healthy');
  const ingress = asRecord(asRecord(obj.status)?.['loadBalancer'])?.['ingress'];
  return health(Array.isArray(ingress) && ingress.length > 0 ? 'Healthy' : 'Progressing');
}
