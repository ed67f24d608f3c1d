// Resolving an Application's targetRevision against a remote's refs, as Argo CD does for Git:
// '' or HEAD → the remote's default branch; a 40-hex SHA → itself; else a branch, then a tag,
// then a full ref name.
import type { RemoteRef } from './git.ts';

/** The commit to render and the ref to fetch it by (none for a bare SHA). */
export type Resolved = { ok: true; commit: string; ref?: string } | { ok: false; message: string };

/** Resolves targetRevision against advertised refs (pure). */
export function resolveRevision(refs: RemoteRef[], targetRevision: string | undefined): Resolved {
  const target = (targetRevision ?? '').trim();
  const find = (name: string) => refs.find((r) => r.ref === name);
  if (target === '' || target === 'HEAD') {
    const head = find('HEAD');
    const branch = head?.target;
    if (!head || !branch) return { ok: false, message: 'the remote has no HEAD: name a branch or tag in targetRevision' };
    const branchRef = find(branch);
    if (!branchRef) return { ok: false, message: `the remote's HEAD points at ${branch}, which does not exist: name a branch or tag in targetRevision` };
    return { ok: true, commit: branchRef.oid, ref: branch };
  }
  if (/^[0-9a-f]{40}$/i.test(target)) return { ok: true, commit: target.toLowerCase() };
  for (const name of [`refs/heads/${target}`, `refs/tags/${target}`, target]) {
    const ref = find(name);
    if (ref) return { ok: true, commit: ref.peeled ?? ref.oid, ref: name };
  }
  return { ok: false, message: `targetRevision "${target}" is neither a branch, a tag nor a commit SHA of the repository` };
}
