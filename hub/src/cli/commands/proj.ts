// `flotilla proj list|get|create|set|delete`: the hub's AppProjects, from Argo CD AppProject YAML
// or JSON files (`create -f`, `set -f` replacing a project as the file has it); `edit NAME` opens
// it in $EDITOR (proj-edit.ts), `edit -f` is `set -f`; roles in proj-role.ts, windows in proj-windows.ts.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { ApiError, type ApiClient } from '../client.ts';
import { CliError } from '../errors.ts';
import { listAll } from '../list-pages.ts';
import { clientOf, confirm, formatOf, outputOption, print, readStdin } from '../kit.ts';
import { renderKeyValues, renderList, renderObject, type Column } from '../output.ts';
import { splitManifests } from './app-view.ts';
import { editProject } from './proj-edit.ts';
import { registerProjRole } from './proj-role.ts';
import { registerProjWindows } from './proj-windows.ts';

/** An AppProject as the API answers it. */
export interface ProjectView {
  metadata: { name: string; creationTimestamp?: string };
  spec: {
    description?: string;
    sourceRepos?: string[];
    destinations?: { server?: string; name?: string; namespace?: string }[];
    clusterResourceWhitelist?: { group: string; kind: string }[];
    namespaceResourceBlacklist?: { group: string; kind: string }[];
    roles?: { name: string }[];
    syncWindows?: unknown[];
  };
}

const list = (values: string[] | undefined) => (values?.length ? values.join(',') : '<none>');
const destinations = (p: ProjectView) => list(p.spec.destinations?.map((d) => `${d.name ?? d.server ?? '*'},${d.namespace ?? '*'}`));
const kinds = (values: { group: string; kind: string }[] | undefined) => list(values?.map((k) => `${k.group || 'core'}/${k.kind}`));

/** The columns of `proj list`. */
export const projectColumns: Column<ProjectView>[] = [
  { header: 'name', value: (p) => p.metadata.name },
  { header: 'description', value: (p) => p.spec.description ?? '' },
  { header: 'destinations', value: destinations },
  { header: 'sources', value: (p) => list(p.spec.sourceRepos) },
  { header: 'cluster-resource-whitelist', value: (p) => kinds(p.spec.clusterResourceWhitelist), wide: true },
  { header: 'namespace-resource-blacklist', value: (p) => kinds(p.spec.namespaceResourceBlacklist), wide: true },
];

/** The readable view of one project (pure). */
export function describeProject(p: ProjectView): string {
  return renderKeyValues([
    ['Name', p.metadata.name],
    ['Description', p.spec.description ?? ''],
    ['Destinations', destinations(p)],
    ['Repositories', list(p.spec.sourceRepos)],
    ['Allowed Cluster Resources', kinds(p.spec.clusterResourceWhitelist)],
    ['Denied Namespaced Resources', kinds(p.spec.namespaceResourceBlacklist)],
    ['Roles', list(p.spec.roles?.map((r) => r.name))],
    ['Sync Windows', p.spec.syncWindows?.length ? String(p.spec.syncWindows.length) : '<none>'],
    ['Created', p.metadata.creationTimestamp ?? ''],
  ]);
}

const projectPath = (name: string) => `/api/v1/projects/${encodeURIComponent(name)}`;

/** Reads a manifest file (`-` is stdin). */
async function readFile(file: string): Promise<string> {
  if (file === '-') return readStdin();
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

/** Sends each AppProject of a file in order (POST, or PUT by its metadata.name); stops at the first the hub refuses. */
async function sendProjects(client: ApiClient, file: string, mode: 'create' | 'upsert' | 'replace'): Promise<void> {
  const label = file === '-' ? 'stdin' : file;
  const parts = splitManifests(await readFile(file));
  if (parts.length === 0) throw new CliError(`${label} holds no AppProject`);
  for (const [index, part] of parts.entries()) {
    try {
      if (mode === 'replace') {
        const name = part.name ?? nameIn(part.text);
        if (!name) throw new CliError(`${label}${parts.length > 1 ? ` document ${index + 1}` : ''}: metadata.name is missing`);
        await client.request('PUT', projectPath(name), { body: part.text, contentType: 'application/yaml' });
        print(`project ${name} updated`);
        continue;
      }
      const answer = await client.request<ProjectView>('POST', '/api/v1/projects', { body: part.text, contentType: 'application/yaml', query: { upsert: mode === 'upsert' || undefined } });
      print(`project ${answer.body.metadata.name} ${answer.status === 201 ? 'created' : 'updated'}`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const where = parts.length > 1 ? `document ${index + 1} of ${parts.length}${part.name ? ` (${part.name})` : ''}: ` : '';
      throw new ApiError(error.status, error.code, where + error.message.replace('the request body', label), error.issues);
    }
  }
}

/** metadata.name of a one-document manifest, if it parses. */
function nameIn(text: string): string | undefined {
  try {
    const name = (parse(text) as { metadata?: { name?: unknown } } | null)?.metadata?.name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Adds `proj list|get|create|set|edit|delete`, `proj role ...` and `proj windows list`. */
export function registerProj(program: Command): void {
  const proj = program.command('proj').description('manage projects (Argo CD AppProjects)');

  proj
    .command('list')
    .alias('ls')
    .description('list projects')
    .option('-l, --selector <selector>', 'only projects whose labels match (k=v, k!=v, k, !k, k in (a,b), k notin (a,b))')
    .option('--search <text>', 'only projects whose name contains this text (case-insensitive)')
    .addOption(outputOption())
    .action(async (opts: { output?: string; selector?: string; search?: string }, cmd: Command) => {
      const items = await listAll<ProjectView>(clientOf(cmd), '/api/v1/projects', { selector: opts.selector, search: opts.search });
      print(renderList(items, projectColumns, formatOf(opts)));
    });

  proj
    .command('get')
    .description('show a project')
    .argument('<name>', 'project name')
    .addOption(outputOption())
    .action(async (name: string, opts: { output?: string }, cmd: Command) => {
      const found = await clientOf(cmd).get<ProjectView>(`/api/v1/projects/${encodeURIComponent(name)}`);
      const format = formatOf(opts);
      print(format === 'json' || format === 'yaml' ? renderObject(found, format) : describeProject(found));
    });

  proj
    .command('create')
    .description('create projects from an AppProject YAML or JSON file (several documents allowed)')
    .requiredOption('-f, --file <file>', 'AppProject file; - reads stdin')
    .option('--upsert', 'replace a project that exists')
    .action(async (opts: { file: string; upsert?: boolean }, cmd: Command) => sendProjects(clientOf(cmd), opts.file, opts.upsert ? 'upsert' : 'create'));

  proj
    .command('set')
    .description('replace existing projects with the AppProjects of a file (each by its metadata.name)')
    .requiredOption('-f, --file <file>', 'AppProject file; - reads stdin')
    .action(async (opts: { file: string }, cmd: Command) => sendProjects(clientOf(cmd), opts.file, 'replace'));

  proj
    .command('edit')
    .description('edit a project in $VISUAL/$EDITOR (default vi) and save it back; with -f, as set -f')
    .argument('[name]', 'project name')
    .option('-f, --file <file>', 'AppProject file instead of the editor; - reads stdin')
    .action(async (name: string | undefined, opts: { file?: string }, cmd: Command) => {
      if (opts.file !== undefined) return sendProjects(clientOf(cmd), opts.file, 'replace');
      if (!name) throw new CliError('proj edit needs a project name (or -f FILE)');
      return editProject(clientOf(cmd), name);
    });

  proj
    .command('delete')
    .alias('rm')
    .description('delete a project no application uses')
    .argument('<name>', 'project name')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (name: string, opts: { yes?: boolean }, cmd: Command) => {
      if (!opts.yes && !(await confirm(`delete project ${name}?`))) return;
      await clientOf(cmd).request('DELETE', projectPath(name));
      print(`project ${name} deleted`);
    });

  registerProjRole(proj);
  registerProjWindows(proj);
}
