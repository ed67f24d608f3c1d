// `flotilla proj edit NAME` as `argocd proj edit`: the project as YAML in a 0600 temp file, opened
// in $VISUAL/$EDITOR (default vi); on save the file is PUT back. An unchanged file sends nothing;
// a file the hub refuses is kept and its path printed so it can be fixed and sent with `proj set -f`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ApiError, type ApiClient } from '../client.ts';
import { CliError } from '../errors.ts';
import { print } from '../kit.ts';

/** The editor command a user asked for ($VISUAL, then $EDITOR, then vi). */
export const editorOf = (env: NodeJS.ProcessEnv): string => env.VISUAL?.trim() || env.EDITOR?.trim() || 'vi';

const quote = (path: string) => `'${path.replace(/'/g, `'\\''`)}'`;

/** Opens the project in the editor and sends it back when it changed. */
export async function editProject(client: ApiClient, name: string): Promise<void> {
  const path = `/api/v1/projects/${encodeURIComponent(name)}`;
  const current = await client.get<unknown>(path);
  const before = stringify(current);
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-proj-edit-'));
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, before, { mode: 0o600 });
  let keep = false;
  try {
    // Through the shell as git does, so an EDITOR such as `code --wait` works.
    const ran = spawnSync(`${editorOf(process.env)} ${quote(file)}`, { shell: true, stdio: 'inherit' });
    if (ran.error) throw new CliError(`cannot run the editor: ${ran.error.message}`);
    if (ran.status !== 0) throw new CliError(`the editor exited with ${ran.status ?? ran.signal}: project ${name} not changed`);
    const after = readFileSync(file, 'utf8');
    if (after === before) {
      print(`project ${name}: no changes`);
      return;
    }
    try {
      await client.request('PUT', path, { body: after, contentType: 'application/yaml' });
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      keep = true;
      throw new ApiError(error.status, error.code, `${error.message.replace('the request body', file)}\nyour edit is kept in ${file}: fix it and run flotilla proj set -f ${file}`, error.issues);
    }
    print(`project ${name} updated`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
