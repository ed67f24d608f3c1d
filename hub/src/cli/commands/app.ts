// `flotilla app ...`: create applications (from Argo CD Application YAML/JSON files or from flags),
// list, get, delete, sync and refresh them; diff and wait live in app-state.ts, history in
// app-history.ts, rollback and terminate-op in app-operation.ts. The hub validates every Application it is sent.
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { ApiError, type ApiClient } from '../client.ts';
import { CliError, UsageError } from '../errors.ts';
import { clientOf, collect, confirm, formatOf, outputOption, parseBoolean, parseNonNegativeInt, parsePositiveInt, print, readStdin } from '../kit.ts';
import { renderList, renderObject, shortRevision } from '../output.ts';
import { listAll } from '../list-pages.ts';
import { registerAppHistory } from './app-history.ts';
import { registerAppResources } from './app-resources.ts';
import { registerAppOperations, waitForOperation } from './app-operation.ts';
import { registerAppState } from './app-state.ts';
import { parseRetryLimit, syncRetryOf, type SyncRetryFlags } from './sync-retry-flags.ts';
import { applicationColumns, buildApplication, describeApplication, splitManifests, type ApplicationView, type CreateFlags } from './app-view.ts';

const path = (name: string) => `/api/v1/applications/${encodeURIComponent(name)}`;

/** Reads a manifest file (`-` is stdin). */
async function readManifest(file: string): Promise<string> {
  if (file === '-') return readStdin();
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

/** Sends each Application of a file in order; stops at the first the hub refuses. */
async function createFromFile(client: ApiClient, file: string, upsert: boolean): Promise<void> {
  const label = file === '-' ? 'stdin' : file;
  const parts = splitManifests(await readManifest(file));
  if (parts.length === 0) throw new CliError(`${label} holds no Application`);
  for (const [index, part] of parts.entries()) {
    try {
      const answer = await client.request<ApplicationView>('POST', '/api/v1/applications', { body: part.text, contentType: 'application/yaml', query: { upsert: upsert || undefined } });
      print(`application ${answer.body.metadata.name} ${answer.status === 201 ? 'created' : 'updated'}`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // The hub speaks of "the request body"; the user wrote a file.
      const where = parts.length > 1 ? `document ${index + 1} of ${parts.length}${part.name ? ` (${part.name})` : ''}: ` : '';
      const issues = error.issues.map((i) => ({ path: i.path, message: i.message.replace(/^request body: /, '') }));
      throw new ApiError(error.status, error.code, where + error.message.replace('the request body', label), issues);
    }
  }
}

/** The conditions of an application, one per line, indented. */
function conditionLines(a: ApplicationView): string[] {
  return a.status.conditions.map((c) => `  ${c.type}: ${c.message}`);
}

/** The flags of `app sync`. */
interface SyncFlags extends SyncRetryFlags {
  prune?: boolean;
  confirm?: boolean;
  dryRun?: boolean;
  revision?: string;
  resource?: string[];
  force?: boolean;
  syncOption?: string[];
  wait?: boolean;
  timeout: number;
  output?: 'json' | 'yaml';
}

/** The filters of `app list`. */
interface AppListFlags {
  project?: string[];
  cluster?: string[];
  destNamespace?: string[];
  repo?: string[];
  selector?: string;
  sync?: string[];
  health?: string[];
  search?: string;
  output?: string;
}

const joined = (values: string[] | undefined) => (values?.length ? values.join(',') : undefined);

/** The list query of `app list`'s flags (repeated flags become comma-separated values). */
function appListQuery(opts: AppListFlags) {
  return {
    project: joined(opts.project), cluster: joined(opts.cluster), namespace: joined(opts.destNamespace), repo: joined(opts.repo),
    sync: joined(opts.sync), health: joined(opts.health), selector: opts.selector, search: opts.search,
  };
}

/** Adds `app create|list|get|diff|wait|history|rollback|terminate-op|delete|sync|refresh`. */
export function registerApp(program: Command): void {
  const app = program.command('app').description('manage applications (Argo CD Application objects)');

  app
    .command('create')
    .description('create applications from an Argo CD Application file (-f), or one from flags')
    .argument('[name]', 'application name (with --repo, --path, --dest-*)')
    .option('-f, --file <file>', 'Application YAML or JSON file, several documents allowed; - reads stdin')
    .option('--upsert', 'update applications that already exist')
    .option('--repo <url>', 'Git repository URL')
    .option('--path <path>', 'directory in the repository')
    .option('--revision <revision>', 'target revision: branch, tag or commit (default HEAD)')
    .option('--dest-cluster <name>', 'destination cluster name')
    .option('--dest-server <url>', 'destination cluster API server URL (instead of --dest-cluster)')
    .option('--dest-namespace <namespace>', 'destination namespace')
    .option('--project <project>', 'project', 'default')
    .option('--sync-policy <policy>', 'automated or none')
    .option('--auto-prune', 'with automated sync: delete resources no longer in Git')
    .option('--self-heal', 'with automated sync: undo changes made in the cluster')
    .option('--sync-option <option>', 'a sync option such as CreateNamespace=true (repeatable)', collect)
    .option('--directory-recurse', 'read manifests in subdirectories too')
    .action(async (name: string | undefined, opts: CreateFlags & { file?: string; upsert?: boolean }, cmd: Command) => {
      const client = clientOf(cmd);
      if (opts.file !== undefined) {
        const flagged = (['repo', 'path', 'revision', 'destCluster', 'destServer', 'destNamespace', 'syncPolicy', 'autoPrune', 'selfHeal', 'syncOption', 'directoryRecurse'] as const)
          .filter((k) => opts[k] !== undefined);
        if (name !== undefined || flagged.length > 0 || cmd.getOptionValueSource('project') === 'cli') {
          throw new UsageError('-f takes the whole Application from the file: give either -f FILE or NAME with flags, not both');
        }
        return createFromFile(client, opts.file, Boolean(opts.upsert));
      }
      if (name === undefined) throw new UsageError('give -f FILE, or NAME with --repo, --path, --dest-cluster and --dest-namespace');
      const body = buildApplication(name, opts);
      const answer = await client.request<ApplicationView>('POST', '/api/v1/applications', { body, query: { upsert: opts.upsert || undefined } });
      print(`application ${answer.body.metadata.name} ${answer.status === 201 ? 'created' : 'updated'}`);
    });

  app
    .command('list')
    .alias('ls')
    .description('list applications')
    .option('-p, --project <project>', 'only these projects (repeatable, or comma-separated)', collect)
    .option('-c, --cluster <cluster>', 'only applications on these clusters, by name or API URL (repeatable)', collect)
    .option('--dest-namespace <namespace>', 'only applications deploying to these destination namespaces (repeatable)', collect)
    .option('-r, --repo <url>', 'only applications with a source in these repositories (repeatable)', collect)
    .option('-l, --selector <selector>', 'only applications whose labels match (k=v, k!=v, k, !k, k in (a,b), k notin (a,b))')
    .option('--sync <status>', 'only these sync statuses: Synced, OutOfSync, Unknown (repeatable)', collect)
    .option('--health <status>', 'only these health statuses: Healthy, Progressing, Degraded, Suspended, Missing, Unknown (repeatable)', collect)
    .option('--search <text>', 'only applications whose name contains this text (case-insensitive)')
    .addOption(outputOption())
    .action(async (opts: AppListFlags, cmd: Command) => {
      const items = await listAll<ApplicationView>(clientOf(cmd), '/api/v1/applications', appListQuery(opts));
      print(renderList(items, applicationColumns, formatOf(opts)));
    });

  app
    .command('get')
    .description('show an application: source, sync and health status, conditions and resources')
    .argument('<name>', 'application name')
    .addOption(outputOption())
    .action(async (name: string, opts: { output?: string }, cmd: Command) => {
      const found = await clientOf(cmd).get<ApplicationView>(path(name));
      const format = formatOf(opts);
      print(format === 'json' || format === 'yaml' ? renderObject(found, format) : describeApplication(found, format));
    });

  registerAppState(app);
  registerAppHistory(app);
  registerAppResources(app);
  registerAppOperations(app);

  app
    .command('delete')
    .alias('rm')
    .description('delete an application; by default its agent first deletes its resources from the cluster')
    .argument('<name>', 'application name')
    .option('--cascade <bool>', 'delete the resources too (--cascade=false leaves them running)', parseBoolean, true)
    .addOption(new Option('--propagation-policy <policy>', 'how Kubernetes deletes dependents (with cascade)').choices(['foreground', 'background']))
    .option('-y, --yes', 'do not ask for confirmation on a terminal')
    .option('--confirm', 'also delete resources marked Delete=confirm (again on an application being deleted: it goes on)')
    .action(async (name: string, opts: { cascade: boolean; propagationPolicy?: string; yes?: boolean; confirm?: boolean }, cmd: Command) => {
      const client = clientOf(cmd);
      const what = opts.cascade ? `application '${name}' and all its resources` : `application '${name}' (its resources stay)`;
      if (!opts.yes && !(await confirm(`Delete ${what}?`))) return print('not deleted');
      const answer = await client.request<{ state: string }>('DELETE', path(name), { query: { cascade: opts.cascade, propagationPolicy: opts.propagationPolicy, ...(opts.confirm ? { confirm: true } : {}) } });
      print(answer.body.state === 'deleted' ? `application ${name} deleted` : `application ${name} is being deleted: its agent ${opts.cascade ? 'removes its resources' : 'runs its PostDelete hooks (its resources stay)'} first`);
    });

  app
    .command('sync')
    .description('ask the agent to sync an application now; prints the operation id (with --wait, its progress and outcome)')
    .argument('<name>', 'application name')
    .option('--prune', 'delete resources no longer in Git')
    .option('--dry-run', 'only check what would change')
    .option('--revision <revision>', 'sync to this revision (branch, tag, commit) instead of the target: the hub renders it, the target stays')
    .option('--resource <GROUP:KIND:NAME>', 'sync only this resource; GROUP:KIND:NAMESPACE/NAME for a namespaced one (repeatable)', collect)
    .option('--force', 'delete and re-create resources that cannot be changed in place (sync option Force=true)')
    .option('--sync-option <option>', 'a sync option for this sync, such as Replace=true (repeatable)', collect)
    .option('--confirm', 'with --prune: also prune resources marked Prune=confirm')
    .option('--retry-limit <n>', "retry a failed sync up to n times (negative: unlimited), instead of the application's syncPolicy.retry", parseRetryLimit)
    .option('--retry-backoff-duration <duration>', 'with --retry-limit: the first wait (default 5s)')
    .option('--retry-backoff-factor <n>', 'with --retry-limit: each wait multiplies by this (default 2)', parsePositiveInt)
    .option('--retry-backoff-max-duration <duration>', 'with --retry-limit: the longest wait (default 3m0s)')
    .option('--wait', 'wait for the operation to finish, printing its phase and message as they change')
    .option('--timeout <seconds>', 'with --wait: give up after this many seconds (0: never)', parseNonNegativeInt, 300)
    .addOption(outputOption(['json', 'yaml']))
    .action(async (name: string, opts: SyncFlags, cmd: Command) => {
      const retry = syncRetryOf(opts);
      const body = {
        ...(opts.prune ? { prune: true } : {}), ...(opts.dryRun ? { dryRun: true } : {}), ...(opts.revision ? { revision: opts.revision } : {}),
        ...(opts.resource ? { resources: opts.resource } : {}), ...(opts.syncOption ? { syncOptions: opts.syncOption } : {}), ...(opts.force ? { force: true } : {}),
        ...(opts.confirm ? { confirm: true } : {}), ...(retry ? { retry } : {}),
      };
      const client = clientOf(cmd);
      const answer = await client.request<{ operation: { id: string; revision?: string }; application: ApplicationView }>('POST', `${path(name)}/sync`, { body });
      if (opts.output) return print(renderObject(answer.body, opts.output));
      const op = answer.body.operation;
      const what = [op.revision ? `revision ${shortRevision(op.revision)}` : '', opts.resource ? `${opts.resource.length} resource(s)` : '', opts.dryRun ? 'dry run' : ''].filter(Boolean).join(', ');
      print(`application ${name}: sync operation ${op.id} requested${what ? ` (${what})` : ''}`);
      if (opts.wait) await waitForOperation(client, name, op.id, opts.timeout);
    });

  app
    .command('refresh')
    .description('refresh an application from Git now; prints the resolved revision and conditions')
    .argument('<name>', 'application name')
    .option('--hard', 'a hard refresh: render again, bypassing the render caches')
    .addOption(outputOption(['json', 'yaml']))
    .action(async (name: string, opts: { hard?: boolean; output?: 'json' | 'yaml' }, cmd: Command) => {
      const answer = await clientOf(cmd).request<ApplicationView>('POST', `${path(name)}/refresh`, { query: { hard: opts.hard || undefined } });
      const a = answer.body;
      if (opts.output) return print(renderObject(a, opts.output));
      const target = a.spec.source?.targetRevision ?? a.spec.sources?.[0]?.targetRevision ?? 'HEAD';
      const head = a.status.sync.revision ? `revision ${shortRevision(a.status.sync.revision)} (${target})` : `no revision resolved for ${target}`;
      const lines = [`application ${name} refreshed: ${head}, sync status ${a.status.sync.status}`];
      if (a.status.conditions.length) lines.push('conditions:', ...conditionLines(a));
      print(lines.join('\n'));
    });
}
