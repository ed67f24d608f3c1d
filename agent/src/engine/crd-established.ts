// Waiting for a CustomResourceDefinition applied by a sync to be Established and served, so the
// objects of its kind in the same sync can be applied right after it.
import type { Kube } from './kube.ts';
import type { KubeObject } from './objects.ts';

/** Waits (up to 30 s) until a CRD is Established and discovery serves its kind, so its resources can be applied. */
export async function waitEstablished(kube: Kube, crd: KubeObject): Promise<void> {
  const name = crd.metadata.name;
  const spec = crd['spec'] as { group?: string; names?: { kind?: string }; versions?: { name: string; served?: boolean }[] } | undefined;
  const version = spec?.versions?.find((v) => v.served !== false)?.name;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const live = await kube.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });
    const conditions = (live?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
    const established = conditions.some((c) => c.type === 'Established' && c.status === 'True');
    const served = !spec?.group || !version || !spec.names?.kind || (await kube.resource(`${spec.group}/${version}`, spec.names.kind).catch(() => undefined)) !== undefined;
    if (established && served) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`CustomResourceDefinition ${name} was not established within 30 s`);
}
