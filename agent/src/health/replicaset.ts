// ReplicaSet health, after gitops-engine's health_replicaset.go: generation observed, a true
// ReplicaFailure condition is Degraded, else every desired replica must be available.
import { asRecord, findCondition, groupVersion, health, num, optNum, str, unsupported } from './fields.ts';
import type { HealthResult, KubeObject } from './types.ts';

/** Health of an apps/v1 ReplicaSet. */
export function replicaSetHealth(obj: KubeObject): HealthResult {
  if (groupVersion(obj).version !== 'v1') return unsupported('ReplicaSet', obj);
  const spec = asRecord(obj.spec) ?? {};
  const status = asRecord(obj.status) ?? {};
  if (num(obj.metadata?.generation) > num(status['observedGeneration'])) {
    return health('Progressing', 'Waiting for rollout to finish: observed replica set generation less than desired generation');
  }
  const failure = findCondition(status['conditions'], 'ReplicaFailure');
  if (failure && failure['status'] === 'True') return health('Degraded', str(failure['message']));
  const desired = optNum(spec['replicas']);
  const available = num(status['availableReplicas']);
  if (desired !== undefined && available < desired) {
    return health('Progressing', `Waiting for rollout to finish: ${available} out of ${desired} new replicas are available...`);
  }
  return health('Healthy');
}
