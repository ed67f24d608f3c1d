// Executing a sync plan: wave by wave in the plan's order, applying (server-side) what differs,
// creating the destination namespace, pruning what left Git; a failed wave stops the waves after
// it, so nothing is pruned after a failed apply. Returns what happened and the next inventory.
import type { Logger } from 'pino';
import type { Kube, KubeObject as LiveObject } from './kube.ts';
import { refKey, toApiVersion, type KubeObject, type ObjectRef } from './objects.ts';
import { wavesOf, type PlanResult, type SyncTask } from './plan.ts';
import { mergeSurvivors, toInventory } from './inventory.ts';
import { maskSecretValues } from './mask-secrets.ts';
import { waitEstablished } from './crd-established.ts';

/** What an execution did. */
export interface ExecuteResult {
  applied: KubeObject[];
  pruned: ObjectRef[];
  unchanged: number;
  failures: { ref: string; message: string }[];
  /** The objects this application owns now (applied or still to prune), to store durably. */
  inventory: ObjectRef[];
}

const CONCURRENCY = 16;

/** Runs a plan; `skip` names objects already in sync (not applied again). */
export async function executePlan(kube: Kube, plan: PlanResult, options: { skip: Set<string>; inventory: ObjectRef[]; log: Logger }): Promise<ExecuteResult> {
  const result: ExecuteResult = { applied: [], pruned: [], unchanged: 0, failures: [], inventory: [] };
  const desired = plan.tasks.filter((t) => t.action === 'apply' && t.target).map((t) => t.target!);
  const released = new Set<string>(); // pruned, or found not ours: no longer in the inventory
  for (const t of plan.tasks) if (t.action === 'skip-prune' && /not tracked|another app|not ours/i.test(t.reason ?? '')) released.add(refKey(t.ref));
  for (const wave of wavesOf(plan.tasks)) {
    if (result.failures.length) break;
    // Inside a wave, Namespaces and CRDs go first (and CRDs must be served) before what lives in them.
    const isFoundation = (t: SyncTask) => t.action === 'create-namespace' || (t.action === 'apply' && (t.ref.kind === 'Namespace' || t.ref.kind === 'CustomResourceDefinition'));
    for (const group of [wave.tasks.filter(isFoundation), wave.tasks.filter((t) => !isFoundation(t))]) await runAll(group, async (task) => {
      const key = refKey(task.ref);
      try {
        if (task.action === 'apply' || task.action === 'create-namespace') {
          if (task.action === 'apply' && options.skip.has(key)) {
            result.unchanged++;
            return;
          }
          const applied = await kube.apply(task.target as LiveObject);
          if (task.action === 'apply') result.applied.push(applied as KubeObject);
          if (task.target?.kind === 'CustomResourceDefinition') await waitEstablished(kube, task.target);
        } else if (task.action === 'prune') {
          await kube.delete(task.live ?? { apiVersion: toApiVersion(task.ref), kind: task.ref.kind, metadata: { name: task.ref.name, namespace: task.ref.namespace } }, 'Background');
          result.pruned.push(task.ref);
          released.add(key);
        }
      } catch (error) {
        // An API error may quote the object it refused: a Secret's values never leave in it (issue 13).
        const message = maskSecretValues((error as Error).message, [task.target, task.live]);
        result.failures.push({ ref: key, message });
        options.log.warn({ ref: key, err: message }, `${task.action} failed`);
      }
    });
  }
  const desiredKeys = new Set(desired.map((d) => refKey(toInventory([d])[0]!)));
  const leftovers = options.inventory.filter((r) => !desiredKeys.has(refKey(r)) && !released.has(refKey(r)));
  result.inventory = mergeSurvivors(toInventory(desired), leftovers);
  return result;
}

async function runAll(tasks: SyncTask[], fn: (task: SyncTask) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, tasks.length) }, async () => {
    while (next < tasks.length) await fn(tasks[next++]!);
  }));
}
