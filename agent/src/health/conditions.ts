// Fallback health for kinds without a built-in check (mostly CRDs), read from status.conditions the way
// kstatus-minded controllers publish them: Stalled, Reconciling, then Ready or Available.
import { asRecord, findCondition, health, num, str } from './fields.ts';
import type { HealthResult, KubeObject } from './types.ts';

/** Reasons that say a not-ready resource is still on its way, not failed. */
const STILL_PROGRESSING = /Progressing|Reconciling|InProgress|Creating/;

/** A condition's message, or its reason when it has none. */
function describe(condition: Record<string, unknown>): string {
  return str(condition['message']) || str(condition['reason']);
}

/** Health from a custom resource's status.conditions; undefined when it publishes none we understand. */
export function conditionsHealth(obj: KubeObject): HealthResult | undefined {
  const status = asRecord(obj.status);
  if (!status) return undefined;
  const conditions = status['conditions'];
  const stalled = findCondition(conditions, 'Stalled');
  const reconciling = findCondition(conditions, 'Reconciling');
  const ready = findCondition(conditions, 'Ready') ?? findCondition(conditions, 'Available');
  if (!stalled && !reconciling && !ready) return undefined;

  if (stalled?.['status'] === 'True') return health('Degraded', describe(stalled));
  const observed = status['observedGeneration'];
  if (typeof observed === 'number' && observed < num(obj.metadata?.generation)) {
    return health('Progressing', 'Waiting for the controller to observe the latest generation');
  }
  if (reconciling?.['status'] === 'True') return health('Progressing', describe(reconciling));
  if (!ready) return undefined;
  switch (ready['status']) {
    case 'True':
      return health('Healthy', str(ready['message']));
    case 'False':
      return health(STILL_PROGRESSING.test(str(ready['reason'])) ? 'Progressing' : 'Degraded', describe(ready));
    default:
      return health('Progressing', describe(ready));
  }
}
