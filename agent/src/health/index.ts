// Resource health assessment as Argo CD's gitops-engine does it: pending deletion first, then a custom
// check, then the built-in check for the group/kind, then a status.conditions fallback for other kinds.
import { apiServiceHealth } from './apiservice.ts';
import { conditionsHealth } from './conditions.ts';
import { daemonSetHealth } from './daemonset.ts';
import { deploymentHealth } from './deployment.ts';
import { groupVersion } from './fields.ts';
import { hpaHealth } from './hpa.ts';
import { ingressHealth } from './ingress.ts';
import { jobHealth } from './job.ts';
import { podHealth } from './pod.ts';
import { pvcHealth } from './pvc.ts';
import { replicaSetHealth } from './replicaset.ts';
import { serviceHealth } from './service.ts';
import { statefulSetHealth } from './statefulset.ts';
import type { CustomHealth, HealthCheck, HealthResult, HealthStatus, KubeObject } from './types.ts';

/** The health types, for callers that import only this module. */
export type { CustomHealth, HealthCheck, HealthResult, HealthStatus, KubeMetadata, KubeObject, OwnerReference } from './types.ts';

/** Argo CD's hook finalizer: a hook being deleted keeps its own health until the finalizer goes. */
export const HOOK_FINALIZER = 'argocd.argoproj.io/hook-finalizer';

/** Most healthy first, as gitops-engine's healthOrder. */
const HEALTH_ORDER: readonly HealthStatus[] = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'];

const BUILT_IN: ReadonlyMap<string, HealthCheck> = new Map([
  ['apps/Deployment', deploymentHealth],
  ['apps/StatefulSet', statefulSetHealth],
  ['apps/ReplicaSet', replicaSetHealth],
  ['apps/DaemonSet', daemonSetHealth],
  ['extensions/Ingress', ingressHealth],
  ['networking.k8s.io/Ingress', ingressHealth],
  ['apiregistration.k8s.io/APIService', apiServiceHealth],
  ['/Service', serviceHealth],
  ['/PersistentVolumeClaim', pvcHealth],
  ['/Pod', podHealth],
  ['batch/Job', jobHealth],
  ['autoscaling/HorizontalPodAutoscaler', hpaHealth],
]);

/** The built-in health check for an object's group and kind, or undefined (gitops-engine's GetHealthCheckFunc). */
export function builtInHealthCheck(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): HealthCheck | undefined {
  return BUILT_IN.get(`${groupVersion(obj).group}/${obj.kind}`);
}

/** The health of one live object, or undefined when its kind has none (a ConfigMap, say). */
export function assessHealth(obj: KubeObject, custom?: CustomHealth): HealthResult | undefined {
  const finalizers = obj.metadata?.finalizers;
  if (obj.metadata?.deletionTimestamp && !(Array.isArray(finalizers) && finalizers.includes(HOOK_FINALIZER))) {
    return { status: 'Progressing', message: 'Pending deletion' };
  }
  if (custom) {
    try {
      const result = custom(obj);
      if (result) return result;
    } catch (err) {
      return { status: 'Unknown', message: err instanceof Error ? err.message : String(err) };
    }
  }
  const check = builtInHealthCheck(obj);
  return check ? check(obj) : conditionsHealth(obj);
}

/** True when `next` is worse than `current` (gitops-engine's IsWorse; unlisted codes rank as Healthy). */
export function isWorse(current: HealthStatus, next: HealthStatus): boolean {
  return Math.max(0, HEALTH_ORDER.indexOf(next)) > Math.max(0, HEALTH_ORDER.indexOf(current));
}

/** The worst of some statuses; Healthy for none. */
export function worstHealth(statuses: readonly HealthStatus[]): HealthStatus {
  return statuses.reduce<HealthStatus>((worst, s) => (isWorse(worst, s) ? s : worst), 'Healthy');
}

/** An application's health rolled up from its resources: the worst one wins, carrying its message. */
export function appHealth(resources: readonly { health?: HealthResult }[]): HealthResult {
  let worst: HealthResult = { status: 'Healthy' };
  for (const { health } of resources) {
    if (health && isWorse(worst.status, health.status)) worst = health;
  }
  return worst.message ? { status: worst.status, message: worst.message } : { status: worst.status };
}
