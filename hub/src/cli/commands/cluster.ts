// `flotilla cluster ...`: register a cluster (printing its one-time bootstrap token and the agent
// install command), list, get, remove, issue a new token, and revoke its credentials.
import { CliError } from '../errors.ts';
import { listAll } from '../list-pages.ts';
import type { Command } from 'commander';
import { collectLabel, clientOf, formatOf, outputOption, print } from '../kit.ts';
import { formatLabels, renderKeyValues, renderList, renderObject, type Column } from '../output.ts';

/** A cluster as the API answers it. */
export interface ClusterView {
  name: string;
  labels: Record<string, string>;
  server: string | null;
  info: {
    reportedServer?: string | null;
    connectionState: { status: string; message: string };
    agent: { agentVersion?: string; kubernetesVersion?: string | null } | null;
    /** What the cluster serves (renders use it); null before its agent reported. */
    capabilities?: { kubeVersion: string; apiVersionsCount: number } | null;
    applicationsCount: number;
    revision: number;
    ackedRevision: number;
    lastSeenAt: string | null;
  };
  createdAt: string;
}

/** The answer of `POST /clusters` and `POST /clusters/:name/bootstrap-token`. */
interface TokenAnswer {
  bootstrapToken: string;
  expiresAt: string;
  installCommand: string;
  /** The hub's self-signed certificate, which the agent pins (absent for plain HTTP or a CA-issued certificate). */
  hubFingerprint?: string;
}

const agentOf = (c: ClusterView) => c.info.agent?.agentVersion ?? '';
const kubeVersionOf = (c: ClusterView) => c.info.capabilities?.kubeVersion || c.info.agent?.kubernetesVersion || '';

/** The columns of `cluster list`. */
export const clusterColumns: Column<ClusterView>[] = [
  { header: 'name', value: (c) => c.name },
  { header: 'server', value: (c) => c.server ?? '' },
  { header: 'status', value: (c) => c.info.connectionState.status },
  { header: 'apps', value: (c) => String(c.info.applicationsCount) },
  { header: 'labels', value: (c) => formatLabels(c.labels) },
  { header: 'message', value: (c) => c.info.connectionState.message, wide: true },
  { header: 'agent', value: agentOf, wide: true },
  { header: 'revision', value: (c) => String(c.info.revision), wide: true },
  { header: 'acked', value: (c) => String(c.info.ackedRevision), wide: true },
];

/** The readable view of one cluster (pure). */
export function describeCluster(c: ClusterView): string {
  return renderKeyValues([
    ['Name', c.name],
    ['Server', c.server ?? ''],
    ['Labels', formatLabels(c.labels)],
    ['Reported Server', c.info.reportedServer ? `${c.info.reportedServer}${c.info.reportedServer === c.server ? '' : ' (not confirmed: flotilla cluster set --confirm-server)'}` : ''],
    ['Status', c.info.connectionState.status],
    ['Message', c.info.connectionState.message],
    ['Agent', agentOf(c)],
    ['Kubernetes', kubeVersionOf(c)],
    ['API Versions', c.info.capabilities ? `${c.info.capabilities.apiVersionsCount} (group versions and kinds renders see as .Capabilities.APIVersions)` : 'not reported yet'],
    ['Applications', String(c.info.applicationsCount)],
    ['Revision', `${c.info.revision} (acked ${c.info.ackedRevision})`],
    ['Last Seen', c.info.lastSeenAt ?? 'never'],
    ['Created', c.createdAt],
  ]);
}

/** The text printed with a bootstrap token (pure). */
export function describeToken(name: string, answer: TokenAnswer): string {
  return [
    `bootstrap token for cluster ${name} (works once, expires ${answer.expiresAt}):`,
    `  ${answer.bootstrapToken}`,
    ...(answer.hubFingerprint ? [`the hub's TLS certificate (self-signed; the agent pins it): SHA-256 ${answer.hubFingerprint}`] : []),
    'install the agent with:',
    `  ${answer.installCommand}`,
  ].join('\n');
}

const path = (name: string) => `/api/v1/clusters/${encodeURIComponent(name)}`;

/** Adds `cluster add|list|get|rm|token|revoke`. */
export function registerCluster(program: Command): void {
  const cluster = program.command('cluster').description('register and manage clusters');

  cluster
    .command('add')
    .description('register a cluster; prints its one-time bootstrap token and the agent install command')
    .argument('<name>', 'cluster name (a DNS label)')
    .option('--label <key=value>', 'a label (repeatable)', collectLabel)
    .option('--server <url>', "the cluster's API URL, which Applications' destination.server matches")
    .addOption(outputOption(['json', 'yaml']))
    .action(async (name: string, opts: { label?: Record<string, string>; server?: string; output?: 'json' | 'yaml' }, cmd: Command) => {
      const body = { name, labels: opts.label ?? {}, ...(opts.server ? { server: opts.server } : {}) };
      const answer = await clientOf(cmd).request<TokenAnswer & { cluster: ClusterView }>('POST', '/api/v1/clusters', { body });
      if (opts.output) return print(renderObject(answer.body, opts.output));
      print(`cluster ${name} added\n${describeToken(name, answer.body)}`);
    });

  cluster
    .command('list')
    .alias('ls')
    .description('list clusters')
    .option('-l, --selector <selector>', 'only clusters whose labels match (k=v, k!=v, k, !k, k in (a,b), k notin (a,b))')
    .option('--search <text>', 'only clusters whose name contains this text (case-insensitive)')
    .addOption(outputOption())
    .action(async (opts: { output?: string; selector?: string; search?: string }, cmd: Command) => {
      const items = await listAll<ClusterView>(clientOf(cmd), '/api/v1/clusters', { selector: opts.selector, search: opts.search });
      print(renderList(items, clusterColumns, formatOf(opts)));
    });

  cluster
    .command('get')
    .description('show a cluster')
    .argument('<name>', 'cluster name')
    .addOption(outputOption())
    .action(async (name: string, opts: { output?: string }, cmd: Command) => {
      const found = await clientOf(cmd).get<ClusterView>(path(name));
      const format = formatOf(opts);
      print(format === 'json' || format === 'yaml' ? renderObject(found, format) : describeCluster(found));
    });

  cluster
    .command('set')
    .description("change a cluster: the API URL destination.server matches (set, confirm what its agent reported, or clear)")
    .argument('<name>', 'cluster name')
    .option('--server <url>', 'the API URL that destination.server matches')
    .option('--confirm-server', 'use the API URL the agent reported')
    .option('--clear-server', 'route no destination.server to this cluster')
    .addOption(outputOption(['json', 'yaml']))
    .action(async (name: string, opts: { server?: string; confirmServer?: boolean; clearServer?: boolean; output?: 'json' | 'yaml' }, cmd: Command) => {
      const body = opts.clearServer ? { server: null } : opts.confirmServer ? { confirmServer: true } : opts.server ? { server: opts.server } : undefined;
      if (!body || [opts.server, opts.confirmServer, opts.clearServer].filter(Boolean).length > 1) throw new CliError('give one of --server URL, --confirm-server or --clear-server', { exitCode: 2 });
      const answer = await clientOf(cmd).request<ClusterView>('PATCH', path(name), { body });
      if (opts.output) return print(renderObject(answer.body, opts.output));
      print(answer.body.server ? `cluster ${name}: destination.server ${answer.body.server} routes here` : `cluster ${name}: no destination.server routes here`);
    });

  cluster
    .command('rm')
    .alias('remove')
    .description('remove a cluster (refused while applications target it); its agent is disconnected')
    .argument('<name>', 'cluster name')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      await clientOf(cmd).request('DELETE', path(name));
      print(`cluster ${name} removed`);
    });

  cluster
    .command('token')
    .description('issue a new one-time bootstrap token for a cluster')
    .argument('<name>', 'cluster name')
    .addOption(outputOption(['json', 'yaml']))
    .action(async (name: string, opts: { output?: 'json' | 'yaml' }, cmd: Command) => {
      const answer = await clientOf(cmd).request<TokenAnswer>('POST', `${path(name)}/bootstrap-token`);
      print(opts.output ? renderObject(answer.body, opts.output) : describeToken(name, answer.body));
    });

  cluster
    .command('revoke')
    .description("revoke every token and credential of a cluster and disconnect its agent")
    .argument('<name>', 'cluster name')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const answer = await clientOf(cmd).request<{ revoked: number }>('POST', `${path(name)}/revoke`);
      print(`revoked ${answer.body.revoked} token(s) of cluster ${name}; its agent needs a new bootstrap token`);
    });
}
