// Errors the command line reports to its user: a failure (exit 1) with optional field issues, and
// a usage error (exit 2); plus how any error is printed on stderr.

/** A field-level problem, as the hub reports it (`{ path, message }`). */
export interface Issue {
  path: string;
  message: string;
}

/** A failure to report as `error: <message>` and exit 1. */
export class CliError extends Error {
  readonly issues: Issue[];
  readonly exitCode: number;
  constructor(message: string, options: { issues?: Issue[]; exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'CliError';
    this.issues = options.issues ?? [];
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A command used wrongly (bad flag value, conflicting arguments): exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, { exitCode: 2 });
    this.name = 'UsageError';
  }
}

/** Ends a command with an exit code and prints nothing (e.g. `app diff` found differences: 1). */
export class ExitStatus extends CliError {
  constructor(exitCode: number) {
    super(`exit status ${exitCode}`, { exitCode });
    this.name = 'ExitStatus';
  }
}

/** The stderr text for an error: `error: <message>`, then one `  <path>: <message>` line per issue. */
export function formatError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const issues = error instanceof CliError ? error.issues : [];
  // The hub repeats its issues in the message ("invalid Application: a: x; b: y"); list them once.
  const joined = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  const head = issues.length > 0 && message.endsWith(`: ${joined}`) ? message.slice(0, -joined.length - 2) : message;
  return [`error: ${head}`, ...issues.map((i) => (i.path ? `  ${i.path}: ${i.message}` : `  ${i.message}`))].join('\n') + '\n';
}
