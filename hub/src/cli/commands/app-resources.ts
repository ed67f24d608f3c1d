// `flotilla app resources NAME [--orphaned]`: the application's resources as `argocd app resources`
// prints them (GROUP, KIND, NAMESPACE, NAME, ORPHANED), from its resource tree: the resources it
// manages, then the orphaned resources of its namespace when its project monitors them
// (`orphanedResources`); `--orphaned` shows only those.
import type { Command } from 'commander';
import { clientOf, outputOption, print, formatOf } from '../kit.ts';
import { renderList, type Column } from '../output.ts';
import type { ResourceView } from './app-view.ts';

/** A row of `app resources`. */
export interface ResourceRow extends ResourceView {
  orphaned: boolean;
}

/** The columns of `app resources`. */
export const resourceColumns: Column<ResourceRow>[] = [
  { header: 'group', value: (r) => r.group },
  { header: 'kind', value: (r) => r.kind },
  { header: 'namespace', value: (r) => r.namespace ?? '' },
  { header: 'name', value: (r) => r.name },
  { header: 'orphaned', value: (r) => (r.orphaned ? 'Yes' : 'No') },
];

/** The rows: the managed resources (not the objects below them), then the orphaned ones; only those with `orphanedOnly` (pure). */
export function resourceRows(tree: { nodes: ResourceView[]; orphanedNodes?: ResourceView[] }, orphanedOnly: boolean): ResourceRow[] {
  const managed = orphanedOnly ? [] : tree.nodes.filter((n) => !n.parentRefs?.length).map((n) => ({ ...n, orphaned: false }));
  return [...managed, ...(tree.orphanedNodes ?? []).map((n) => ({ ...n, orphaned: true }))];
}

/** Adds `app resources`. */
export function registerAppResources(app: Command): void {
  app
    .command('resources')
    .description("list an application's resources, and the orphaned resources of its namespace when its project monitors them")
    .argument('<name>', 'application name')
    .option('--orphaned', 'only the orphaned resources')
    .addOption(outputOption())
    .action(async (name: string, opts: { orphaned?: boolean; output?: string }, cmd: Command) => {
      const tree = await clientOf(cmd).get<{ nodes: ResourceView[]; orphanedNodes?: ResourceView[] }>(`/api/v1/applications/${encodeURIComponent(name)}/resource-tree`);
      print(renderList(resourceRows(tree, opts.orphaned === true), resourceColumns, formatOf(opts)));
    });
}
