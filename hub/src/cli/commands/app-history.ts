// `flotilla app history NAME`: the application's sync history (`status.history`), one table per
// source as `argocd app history` prints it, or the entries as JSON/YAML with -o.
import type { Command } from 'commander';
import { clientOf, outputOption, print } from '../kit.ts';
import { renderObject } from '../output.ts';
import { renderHistory, type HistoryView } from './app-history-view.ts';

/** Adds `app history`. */
export function registerAppHistory(app: Command): void {
  app
    .command('history')
    .description('show the sync history of an application: each sync\'s id, date and revision (per source)')
    .argument('<name>', 'application name')
    .addOption(outputOption(['json', 'yaml']))
    .action(async (name: string, opts: { output?: 'json' | 'yaml' }, cmd: Command) => {
      const found = await clientOf(cmd).get<{ status: { history?: HistoryView[] } }>(`/api/v1/applications/${encodeURIComponent(name)}`);
      const history = found.status.history ?? [];
      print(opts.output ? renderObject(history, opts.output) : renderHistory(history));
    });
}
