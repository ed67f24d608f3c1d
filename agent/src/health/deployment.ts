// Deployment health, after gitops-engine's health_deployment.go (itself kubectl's rollout status):
// paused, generation observed, progress deadline, then updated, old and available replica counts.
import { asRecord, findCondition, groupVersion, health, num, optNum, quote, str, unsupported } from './fields.ts';
import type { HealthResult, KubeObject } from './types.ts';

/** Health of an apps/v1 Deployment. */
export function deploymentHealth(obj: KubeObject): HealthResult {
  if (groupVersion(obj).version !== 'v1') return unsupported('Deployment', obj);
  const spec = asRecord(obj.spec) ?? {};
  const status = asRecord(obj.status) ?? {};
  if (spec['paused'] === true) return health('Suspended', 'Deployment is paused');
  if (num(obj.metadata?.generation) > num(status['observedGeneration'])) {
    return health('Progressing', 'Waiting for rollout to finish: observed deployment generation less than desired generation');
  }
  const progressing = findCondition(status['conditions'], 'Progressing');
  const desired = optNum(spec['replicas']);
  const replicas = num(status['replicas']);
  const updated = num(status['updatedReplicas']);
  const available = num(status['availableReplicas']);
  if (progressing && progressing['reason'] === 'ProgressDeadlineExceeded') {
    return health('Degraded', `Deployment ${quote(str(obj.metadata?.name))} exceeded its progress deadline`);
  }
  if (desired !== undefined && updated < desired) {
    return health('Progressing', `Waiting for rollout to finish: ${updated} out of ${desired} new replicas have been updated...`);
  }
  if (replicas > updated) {
    return health('Progressing', `Waiting for rollout to finish: ${replicas - updated} old replicas are pending termination...`);
  }
  if (available < updated) {
    return health('Progressing', `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`);
  }
  return health('Healthy');
}
