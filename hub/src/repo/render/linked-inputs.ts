// The repository paths a render reads through symbolic links (issue 14, point 8: render only what
// changed). A render's inputs are repository paths whose object ids key its content. A symlink in
// one of them (a chart template, a value file, a manifest of a directory, a Kustomize base linked
// to a shared one elsewhere in the repository) is a blob holding its target's name, so a commit
// that changes only the target would leave the key, and the stale bundle, as they were.
// `linkedInputs` walks the inputs in the render's checkout and adds the real path of every symlink
// target that stays inside the repository, walking each target in turn. Links that lead outside
// are left to the drivers, which refuse them.
import { readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { checkInsideRepo } from './inside-repo.ts';

/** `inputs`, then the real repository paths their symlinks lead to (none already below an input), in walk order. */
export function linkedInputs(root: string, inputs: readonly string[]): string[] {
  const result = [...inputs];
  // `$ref/…` inputs are files of another source's repository: not in this checkout.
  const covered = (p: string) => result.some((i) => !i.startsWith('$') && (i === '' || p === i || p.startsWith(`${i}/`)));
  const walked = new Set<string>();
  const queue = inputs.filter((i) => !i.startsWith('$'));
  while (queue.length > 0) {
    const inside = checkInsideRepo(root, queue.shift()!);
    if (!inside.ok || !inside.exists || walked.has(inside.real)) continue;
    walked.add(inside.real);
    if (!covered(inside.real)) result.push(inside.real);
    queue.push(...linksBelow(root, inside.real));
  }
  return result;
}

/** The symlinks at or below a repository path (a directory's are found without following linked directories). */
function linksBelow(root: string, dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return []; // a file
  }
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  return entries.flatMap((entry) => {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    return entry.isSymbolicLink() ? [path] : entry.isDirectory() ? linksBelow(root, path) : [];
  });
}
