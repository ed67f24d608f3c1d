// Whether rendered manifests hold PostDelete hooks: what the hub asks before it sends a deletion
// without cascade to the agent (Argo CD keeps its post-delete finalizer on such an app, so the hooks
// still run, controller/appcontroller.go finalizeApplicationDeletion), and the agent's first filter
// before it prepares the hooks of a deletion. An object names PostDelete when its
// argocd.argoproj.io/hook lists PostDelete or its helm.sh/hook lists post-delete (comma-separated,
// trimmed, as Argo CD's GetAnnotationCSVs reads them). This is a superset of what the agent's hook
// rules run (Helm's value is read only when the argocd annotation names no type): a false positive
// only sends a deletion that ends at once, a false negative would skip hooks.

/** Argo CD's hook annotation. */
const ARGOCD_HOOK = 'argocd.argoproj.io/hook';
/** Helm's hook annotation (post-delete maps to PostDelete, controller/hook.go). */
const HELM_HOOK = 'helm.sh/hook';

/** Whether an object's hook annotations name PostDelete (argocd) or post-delete (Helm). */
export function namesPostDeleteHook(obj: unknown): boolean {
  const annotations = (obj as { metadata?: { annotations?: unknown } } | null | undefined)?.metadata?.annotations;
  if (!annotations || typeof annotations !== 'object') return false;
  const list = (value: unknown) => (typeof value === 'string' ? value.split(',').map((v) => v.trim()) : []);
  const read = annotations as Record<string, unknown>;
  return list(read[ARGOCD_HOOK]).includes('PostDelete') || list(read[HELM_HOOK]).includes('post-delete');
}

/** Whether any of these manifests is a PostDelete hook. */
export function hasPostDeleteHooks(manifests: readonly unknown[]): boolean {
  return manifests.some(namesPostDeleteHook);
}
