// `flotilla audit`: the hub's audit log (who did what to which object, how it ended), newest
// first, filtered as GET /api/v1/audit filters (actor, action, resource, object, result, since,
// until), a page at a time (`--continue`, printed on stderr when there is more) or all (`--all`).
import { InvalidArgumentError, Option, type Command } from 'commander';
import { clientOf, formatOf, outputOption, parsePositiveInt, print } from '../kit.ts';
import { renderList, type Column } from '../output.ts';
import { UsageError } from '../errors.ts';

/** One audit entry as the API answers it. */
export interface AuditView {
  id: number;
  at: string;
  actor: string;
  action: string;
  resource: string;
  object: string;
  result: string;
  detail: Record<string, unknown>;
}

/** The columns of `audit`. */
export const auditColumns: Column<AuditView>[] = [
  { header: 'time', value: (e) => e.at },
  { header: 'actor', value: (e) => e.actor },
  { header: 'action', value: (e) => e.action },
  { header: 'resource', value: (e) => e.resource },
  { header: 'object', value: (e) => e.object },
  { header: 'result', value: (e) => e.result },
  { header: 'id', value: (e) => String(e.id), wide: true },
  { header: 'detail', value: (e) => (Object.keys(e.detail ?? {}).length ? JSON.stringify(e.detail) : ''), wide: true },
];

/** Option parser for --limit: 1 to 1000, as the hub allows. */
function parseLimit(value: string): number {
  const n = parsePositiveInt(value);
  if (n > 1000) throw new InvalidArgumentError('at most 1000');
  return n;
}

interface AuditOptions {
  app?: string;
  actor?: string;
  action?: string;
  resource?: string;
  object?: string;
  result?: string;
  since?: string;
  until?: string;
  limit?: number;
  continue?: string;
  all?: boolean;
  output?: string;
}

/** The API query of the options (`--app X` is `--resource applications --object X`). */
export function auditQueryOf(opts: AuditOptions): Record<string, string | number | undefined> {
  return {
    actor: opts.actor, action: opts.action,
    resource: opts.app ? 'applications' : opts.resource,
    object: opts.app ?? opts.object,
    result: opts.result, since: opts.since, until: opts.until, limit: opts.limit, continue: opts.continue,
  };
}

/** Adds `audit`. */
export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('show the audit log, newest first')
    .option('--app <name>', 'only entries about this application (--resource applications --object NAME)')
    .option('--actor <name>', 'only entries of this actor (an account, proj:PROJECT:ROLE, automated, application/PARENT)')
    .option('--action <action>', 'only this action (create, update, delete, sync, rollback, operation, login, login-failed, token-used, ...)')
    .option('--resource <resource>', 'only this resource (applications, clusters, projects, repositories, accounts, session, ...)')
    .option('--object <name>', 'only this object')
    .addOption(new Option('--result <result>', 'only entries with this result').choices(['success', 'failure', 'denied']))
    .option('--since <time>', 'at or after: an RFC 3339 time or a duration back from now (24h, 7d)')
    .option('--until <time>', 'before: an RFC 3339 time or a duration back from now')
    .option('--limit <n>', 'at most this many entries a page (1-1000, default 100)', parseLimit)
    .option('--continue <key>', 'the page after the one that printed this key')
    .option('--all', 'every matching entry, page after page')
    .addOption(outputOption())
    .action(async (opts: AuditOptions, cmd: Command) => {
      if (opts.app && (opts.object || opts.resource)) throw new UsageError('give --app, or --resource and --object, not both');
      const client = clientOf(cmd);
      const items: AuditView[] = [];
      let query = auditQueryOf(opts);
      for (;;) {
        const page = await client.get<{ items: AuditView[]; metadata?: { continue?: string } }>('/api/v1/audit', query);
        const next = page.metadata?.continue;
        items.push(...page.items);
        if (!next) break;
        if (!opts.all) {
          process.stderr.write(`more entries: add --continue ${next}\n`);
          break;
        }
        query = { ...query, continue: next };
      }
      print(renderList(items, auditColumns, formatOf(opts)));
    });
}
