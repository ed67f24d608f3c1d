// Job health, after gitops-engine's health_job.go: no terminal condition is Progressing; Failed is
// Degraded, a true Suspended is Suspended, Complete (or a cleared Suspended) is Healthy.
import { asRecord, groupVersion, health, records, str, unsupported } from './fields.ts';
import type { HealthResult, KubeObject } from './types.ts';

/** Health of a batch/v1 Job. */
export function jobHealth(obj: KubeObject): HealthResult {
  if (groupVersion(obj).version !== 'v1') return unsupported('Job', obj);
  const status = asRecord(obj.status) ?? {};
  let failed = false;
  let complete = false;
  let suspended = false;
  let failMessage = '';
  let message = '';
  for (const condition of records(status['conditions'])) {
    switch (condition['type']) {
      case 'Failed':
        failed = true;
        complete = true;
        failMessage = str(condition['message']);
        break;
      case 'Complete':
        complete = true;
        message = str(condition['message']);
        break;
      case 'Suspended':
        // As gitops-engine: any Suspended condition ends the "still running" case, true or not.
        complete = true;
        message = str(condition['message']);
        if (condition['status'] === 'True') suspended = true;
        break;
    }
  }
  if (!complete) return health('Progressing', message);
  if (failed) return health('Degraded', failMessage);
  // gitops-engine reports the (usually empty) failure message for a suspended job, not the condition's.
  if (suspended) return health('Suspended', failMessage);
  return health('Healthy', message);
}
