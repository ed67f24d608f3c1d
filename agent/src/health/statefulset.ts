// StatefulSet health, after gitops-engine's health_statefulset.go: generation observed, ready pods,
// then the update strategy (partitioned rolling update, OnDelete, or current vs update revision).
import { asRecord, groupVersion, health, num, optNum, str, unsupported } from './fields.ts';
import type { HealthResult, KubeObject } from './types.ts';

/** Health of an apps/v1 StatefulSet. */
export function statefulSetHealth(obj: KubeObject): HealthResult {
  if (groupVersion(obj).version !== 'v1') return unsupported('StatefulSet', obj);
  const spec = asRecord(obj.spec) ?? {};
  const status = asRecord(obj.status) ?? {};
  const observed = num(status['observedGeneration']);
  if (observed === 0 || num(obj.metadata?.generation) > observed) {
    return health('Progressing', 'Waiting for statefulset spec update to be observed...');
  }
  const desired = optNum(spec['replicas']);
  const ready = num(status['readyReplicas']);
  const updated = num(status['updatedReplicas']);
  if (desired !== undefined && ready < desired) {
    return health('Progressing', `Waiting for ${desired - ready} pods to be ready...`);
  }
  const strategy = asRecord(spec['updateStrategy']) ?? {};
  const rollingUpdate = asRecord(strategy['rollingUpdate']);
  if (strategy['type'] === 'RollingUpdate' && rollingUpdate) {
    const partition = optNum(rollingUpdate['partition']);
    if (desired !== undefined && partition !== undefined && updated < desired - partition) {
      return health('Progressing', `Waiting for partitioned roll out to finish: ${updated} out of ${desired - partition} new pods have been updated...`);
    }
    return health('Healthy', `partitioned roll out complete: ${updated} new pods have been updated...`);
  }
  if (strategy['type'] === 'OnDelete') return health('Healthy', `statefulset has ${ready} ready pods`);
  const updateRevision = str(status['updateRevision']);
  const currentRevision = str(status['currentRevision']);
  if (updateRevision !== currentRevision) {
    return health('Progressing', `waiting for statefulset rolling update to complete ${updated} pods at revision ${updateRevision}...`);
  }
  return health('Healthy', `statefulset rolling update complete ${num(status['currentReplicas'])} pods at revision ${currentRevision}...`);
}
