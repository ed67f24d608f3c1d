// The per-source revisions of a multi-source application (Argo CD's status.sync.revisions): one
// commit (or chart version) per `spec.sources` entry, in source order. A render whose list differs
// from the stored one moves the application's assignment even when its bundle is the same (a
// commit in a `ref` source's repository that changed no file the render read).

/** Whether two lists of per-source revisions are the same; null is no list (a single-source app) (pure). */
export function sameRevisions(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((revision, i) => revision === b[i]);
}
