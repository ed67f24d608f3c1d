// Pod health, after gitops-engine's health_pod.go: with restartPolicy Always a waiting container in an
// error or back-off state is Degraded; otherwise the phase decides (a finite pod running is Progressing).
import { asRecord, findCondition, groupVersion, health, num, quote, records, str, unsupported } from './fields.ts';
import type { HealthResult, KubeObject } from './types.ts';

/** Waiting reasons that mean the container is failing, not starting: Err*, *Error, *BackOff. */
function isFailingReason(reason: string): boolean {
  return reason.startsWith('Err') || reason.endsWith('Error') || reason.endsWith('BackOff');
}

/** Why a terminated container failed, or '' when it did not (or is not terminated). */
function failMessage(container: Record<string, unknown>): string {
  const terminated = asRecord(asRecord(container['state'])?.['terminated']);
  if (!terminated) return '';
  if (str(terminated['message']) !== '') return str(terminated['message']);
  if (terminated['reason'] === 'OOMKilled') return 'OOMKilled';
  const exitCode = num(terminated['exitCode']);
  if (exitCode !== 0) return `container ${quote(str(container['name']))} failed with exit code ${exitCode}`;
  return '';
}

/** Health of a v1 Pod. */
export function podHealth(obj: KubeObject): HealthResult {
  if (groupVersion(obj).version !== 'v1') return unsupported('Pod', obj);
  const spec = asRecord(obj.spec) ?? {};
  const status = asRecord(obj.status) ?? {};
  const restartPolicy = str(spec['restartPolicy']);
  const containers = records(status['containerStatuses']);
  const message = str(status['message']);

  // Only for long-running pods: hook pods (OnFailure/Never) must not fail a sync on a transient back-off.
  if (restartPolicy === 'Always') {
    const failing = containers
      .map((c) => asRecord(asRecord(c['state'])?.['waiting']))
      .filter((w): w is Record<string, unknown> => w !== undefined && isFailingReason(str(w['reason'])));
    if (failing.length > 0) return health('Degraded', failing.map((w) => str(w['message'])).join(', '));
  }

  switch (str(status['phase'])) {
    case 'Pending':
      return health('Progressing', message);
    case 'Succeeded':
      return health('Healthy', message);
    case 'Failed': {
      if (message !== '') return health('Degraded', message);
      for (const container of [...records(status['initContainerStatuses']), ...containers]) {
        const why = failMessage(container);
        if (why !== '') return health('Degraded', why);
      }
      return health('Degraded');
    }
    case 'Running':
      if (restartPolicy === 'Always') {
        if (findCondition(status['conditions'], 'Ready')?.['status'] === 'True') return health('Healthy', message);
        const restarted = containers.some((c) => asRecord(asRecord(c['lastState'])?.['terminated']) !== undefined);
        return health(restarted ? 'Degraded' : 'Progressing', message);
      }
      if (restartPolicy === 'OnFailure' || restartPolicy === 'Never') return health('Progressing', message);
      break;
  }
  return health('Unknown', message);
}
