// `flotilla proj windows list PROJECT`: a project's sync windows as Argo CD's `argocd proj windows
// list` prints them (ID, STATUS, KIND, SCHEDULE, DURATION, targets, MANUALSYNC, TIMEZONE), the
// status computed here from the window's schedule and the clock (shared/src/application/sync-windows.ts).
import type { Command } from 'commander';
import { isWindowActive, type SyncWindow } from '@flotilla/shared';
import { clientOf, formatOf, outputOption, print } from '../kit.ts';
import { renderList, type Column } from '../output.ts';
import type { ProjectView } from './proj.ts';

/** A window with its index and whether it is active now. */
export interface WindowRow {
  index: number;
  active: boolean;
  window: SyncWindow;
}

const list = (values: string[] | undefined) => (values?.length ? values.join(',') : '-');

/** The columns of `proj windows list`. */
export const windowColumns: Column<WindowRow>[] = [
  { header: 'id', value: (r) => String(r.index) },
  { header: 'status', value: (r) => (r.active ? 'Active' : 'Inactive') },
  { header: 'kind', value: (r) => r.window.kind },
  { header: 'schedule', value: (r) => r.window.schedule },
  { header: 'duration', value: (r) => r.window.duration },
  { header: 'applications', value: (r) => list(r.window.applications) },
  { header: 'namespaces', value: (r) => list(r.window.namespaces) },
  { header: 'clusters', value: (r) => list(r.window.clusters) },
  { header: 'manualsync', value: (r) => (r.window.manualSync ? 'Enabled' : 'Disabled') },
  { header: 'timezone', value: (r) => r.window.timeZone || 'UTC' },
  { header: 'useandoperator', value: (r) => (r.window.andOperator ? 'Enabled' : 'Disabled'), wide: true },
  { header: 'syncoverrun', value: (r) => (r.window.syncOverrun ? 'Enabled' : 'Disabled'), wide: true },
  { header: 'description', value: (r) => r.window.description ?? '', wide: true },
];

/** A project's windows as rows at `now` (pure). */
export function windowRows(windows: SyncWindow[] | undefined, now: Date): WindowRow[] {
  return (windows ?? []).map((window, index) => ({ index, active: isWindowActive(window, now), window }));
}

/** Adds `proj windows list`. */
export function registerProjWindows(proj: Command): void {
  const windows = proj.command('windows').description("show a project's sync windows");
  windows.command('list').alias('ls').description('list sync windows, active or not now').argument('<project>').addOption(outputOption())
    .action(async (project: string, opts: { output?: string }, cmd: Command) => {
      const found = await clientOf(cmd).get<ProjectView & { spec: { syncWindows?: SyncWindow[] } }>(`/api/v1/projects/${encodeURIComponent(project)}`);
      const rows = windowRows(found.spec.syncWindows, new Date());
      const format = formatOf(opts);
      print(format === 'json' || format === 'yaml' ? renderList(rows.map((r) => ({ id: r.index, active: r.active, ...r.window })), [], format) : renderList(rows, windowColumns, format));
    });
}
