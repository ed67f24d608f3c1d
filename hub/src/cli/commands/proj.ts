// `flotilla proj list|get`: the hub's AppProjects (read-only until tenancy lands).
import type { Command } from 'commander';
import { clientOf, formatOf, outputOption, print } from '../kit.ts';
import { renderKeyValues, renderList, renderObject, type Column } from '../output.ts';

/** An AppProject as the API answers it. */
export interface ProjectView {
  metadata: { name: string; creationTimestamp?: string };
  spec: {
    description?: string;
    sourceRepos?: string[];
    destinations?: { server?: string; name?: string; namespace?: string }[];
    clusterResourceWhitelist?: { group: string; kind: string }[];
    namespaceResourceBlacklist?: { group: string; kind: string }[];
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
    ['Created', p.metadata.creationTimestamp ?? ''],
  ]);
}

/** Adds `proj list|get`. */
export function registerProj(program: Command): void {
  const proj = program.command('proj').description('show projects');

  proj
    .command('list')
    .alias('ls')
    .description('list projects')
    .addOption(outputOption())
    .action(async (opts: { output?: string }, cmd: Command) => {
      const { items } = await clientOf(cmd).get<{ items: ProjectView[] }>('/api/v1/projects');
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
}
