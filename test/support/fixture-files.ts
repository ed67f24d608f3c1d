// A fixture directory under test/fixtures as the file changes of one commit (path → content), so a
// test can start a repository from it, or a fleet's apps repository, and change a file or two later.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FileChanges } from '../git/server.ts';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;

/** The absolute path of a fixture directory (`sources` → test/fixtures/sources). */
export function fixturePath(name: string): string {
  return join(fixtures, name);
}

/** Every file of a fixture directory, by its path inside it. */
export function fixtureFiles(name: string): FileChanges {
  const root = fixturePath(name);
  const files: FileChanges = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(root, path)] = readFileSync(path, 'utf8');
  }
  return files;
}
