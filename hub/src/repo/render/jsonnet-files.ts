// Which files a directory source renders, read from the render's checkout with Argo CD's rules
// (reposerver getPotentiallyValidManifests): a filepath.Walk of the source path (subdirectories with
// `recurse`), names ending in .yaml, .yml, .json or .jsonnet (any name with `disableExtensionFilter`),
// `exclude` then `include` globs on the path below the source path, files holding the skip marker
// left out. A symlinked file is followed
// when its target is a regular file inside the repository, and refused when it leads outside;
// symlinked directories are not descended into (Walk does not follow them).
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkInsideRepo } from './inside-repo.ts';
import { compileGlob, type DirectoryOptions } from '../render-directory.ts';
import type { RenderError } from './types.ts';

/** A selected file: its repository path, its text, and whether jsonnet evaluates it. */
export interface DirectoryFile {
  path: string;
  content: string;
  jsonnet: boolean;
}

const MANIFEST_FILE = /\.(yaml|yml|json|jsonnet)$/;
const SKIP_MARKER = '+argocd:skip-file-rendering';

/** The files of a directory source in walk order, or the problems (bad globs, symlinks leading out). */
export async function selectDirectoryFiles(root: string, path: string, options: DirectoryOptions): Promise<{ ok: true; files: DirectoryFile[] } | { ok: false; errors: RenderError[] }> {
  const errors: RenderError[] = [];
  const include = compileGlob(options.include, 'include', path, errors);
  const exclude = compileGlob(options.exclude, 'exclude', path, errors);
  if (errors.length) return { ok: false, errors };
  const files: DirectoryFile[] = [];
  const prefix = path === '' ? '' : `${path}/`;
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(join(root, dir), { withFileTypes: true });
    entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
    for (const entry of entries) {
      const file = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (options.recurse) await walk(file);
        continue;
      }
      if (!options.disableExtensionFilter && !MANIFEST_FILE.test(entry.name)) continue;
      let real = file;
      if (entry.isSymbolicLink()) {
        const inside = checkInsideRepo(root, file);
        if (!inside.ok) {
          errors.push({ file, message: 'illegal filepath in symlink: it leads outside the repository' });
          continue;
        }
        if (!inside.exists) continue;
        real = inside.real;
      }
      if (!(await stat(join(root, real))).isFile()) continue;
      const rel = file.slice(prefix.length);
      if (exclude?.(rel) || (include && !include(rel))) continue;
      const content = await readFile(join(root, real), 'utf8');
      if (!content.includes(SKIP_MARKER)) files.push({ path: file, content, jsonnet: entry.name.endsWith('.jsonnet') });
    }
  };
  const top = await stat(join(root, path)).catch(() => undefined);
  if (!top?.isDirectory()) return { ok: false, errors: [{ file: path || '.', message: top ? `path "${path}" is a file, not a directory` : `path "${path}" does not exist in the repository at this revision` }] };
  await walk(path);
  return errors.length ? { ok: false, errors } : { ok: true, files };
}

