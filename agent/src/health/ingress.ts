// Ingress health, after gitops-engine's health_ingress.go: Healthy once the controller has published
// an address in status.loadBalancer.ingress, Progressing until then (any apiVersion).
import { asRecord, health } from './fields.ts';
import type { HealthResult, KubeObject } from './types.ts';

/** Health of a networking.k8s.io or extensions Ingress. */
export function ingressHealth(obj: KubeObject): HealthResult {
  const ingress = asRecord(asRecord(obj.status)?.['loadBalancer'])?.['ingress'];
  return health(Array.isArray(ingress) && ingress.length > 0 ? 'Healthy' : 'Progressing');
}
