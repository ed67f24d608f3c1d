// DaemonSet health, after gitops-engine's health_daemonset.go: generation observed, OnDelete is
// always Healthy, else every scheduled pod must be updated and available.
import { asRecord, groupVersion, health, num, quote, str, unsupported } from './fields.ts';
import type { HealthResult, KubeObject } from './types.ts';

/** Health of an apps/v1 DaemonSet. */
export function daemonSetHealth(obj: KubeObject): HealthResult {
  if (groupVersion(obj).version !== 'v1') return unsupported('DaemonSet', obj);
  const spec = asRecord(obj.spec) ?? {};
  const status = asRecord(obj.status) ?? {};
  const name = quote(str(obj.metadata?.name));
  if (num(obj.metadata?.generation) > num(status['observedGeneration'])) {
    return health('Progressing', 'Waiting for rollout to finish: observed daemon set generation less than desired generation');
  }
  const desired = num(status['desiredNumberScheduled']);
  const updated = num(status['updatedNumberScheduled']);
  const available = num(status['numberAvailable']);
  if (asRecord(spec['updateStrategy'])?.['type'] === 'OnDelete') {
    return health('Healthy', `daemon set ${updated} out of ${desired} new pods have been updated`);
  }
  if (updated < desired) {
    return health('Progressing', `Waiting for daemon set ${name} rollout to finish: ${updated} out of ${desired} new pods have been updated...`);
  }
  if (available < desired) {
    return health('Progressing', `Waiting for daemon set ${name} rollout to finish: ${available} of ${desired} updated pods are available...`);
  }
  return health('Healthy');
}
