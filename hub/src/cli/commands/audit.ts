// `flotilla audit`: the hub's audit log (who did what to which object), newest first.
import { InvalidArgumentError, type Command } from 'commander';
import { clientOf, formatOf, outputOption, parsePositiveInt, print } from '../kit.ts';
import { renderList, type Column } from '../output.ts';

/** One audit entry as the API answers it. */
export interface AuditView {
  id: number;
  at: string;
  actor: string;
  action: string;
  resource: string;
  object: string;
  detail: Record<string, unknown>;
}

/** The columns of `audit`. */
export const auditColumns: Column<AuditView>[] = [
  { header: 'time', value: (e) => e.at },
  { header: 'actor', value: (e) => e.actor },
  { header: 'action', value: (e) => e.action },
  { header: 'resource', value: (e) => e.resource },
  { header: 'object', value: (e) => e.object },
  { header: 'detail', value: (e) => (Object.keys(e.detail ?? {}).length ? JSON.stringify(e.detail) : ''), wide: true },
];

/** Option parser for --limit: 1 to 1000, as the hub allows. */
function parseLimit(value: string): number {
  const n = parsePositiveInt(value);
  if (n > 1000) throw new InvalidArgumentError('at most 1000');
  return n;
}

/** Adds `audit`. */
export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('show the audit log, newest first')
    .option('--app <name>', 'only entries about this application')
    .option('--limit <n>', 'at most this many entries (1-1000, default 100)', parseLimit)
    .addOption(outputOption())
    .action(async (opts: { app?: string; limit?: number; output?: string }, cmd: Command) => {
      const query = { ...(opts.app ? { resource: 'applications', object: opts.app } : {}), limit: opts.limit };
      const { items } = await clientOf(cmd).get<{ items: AuditView[] }>('/api/v1/audit', query);
      print(renderList(items, auditColumns, formatOf(opts)));
    });
}
