// What every command group shares: the global options and API client of a command, the `-o`
// option, repeatable and boolean option parsers, stdout, and terminal prompts.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import type { GlobalOptions } from './config.ts';
import { connect, type ApiClient } from './client.ts';
import { CliError, UsageError } from './errors.ts';
import type { OutputFormat } from './output.ts';

/** The global options (--server, --auth-token) as seen from a (sub)command. */
export function globalsOf(cmd: Command): GlobalOptions {
  const { server, authToken } = cmd.optsWithGlobals<GlobalOptions>();
  return { server, authToken };
}

/** An API client for the configured hub, logged in unless `auth` is false. */
export function clientOf(cmd: Command, auth = true): ApiClient {
  return connect(globalsOf(cmd), { auth });
}

/** The `-o` option: by default wide, json or yaml (anything else is a usage error). */
export function outputOption(formats: OutputFormat[] = ['wide', 'json', 'yaml']): Option {
  return new Option('-o, --output <format>', `output format: ${formats.join(', ')}`).choices(formats);
}

/** The format a command was asked for (table when no -o). */
export function formatOf(opts: { output?: string }): OutputFormat {
  return (opts.output ?? 'table') as OutputFormat;
}

/** Writes text to stdout, adding a final newline when missing. */
export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Option parser that collects a repeatable option's values. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Option parser for `key=value` labels, collected into a map. */
export function collectLabel(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('a label is key=value, e.g. env=prod');
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** Option parser for true/false values (`--cascade=false`). */
export function parseBoolean(value: string): boolean {
  const v = value.toLowerCase();
  if (['true', 'yes', '1'].includes(v)) return true;
  if (['false', 'no', '0'].includes(v)) return false;
  throw new InvalidArgumentError('expected true or false');
}

/** Option parser for a positive integer. */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** Option parser for a whole number, zero allowed. */
export function parseNonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || value.trim() === '') throw new InvalidArgumentError('expected a whole number, 0 or more');
  return n;
}

/** Everything on stdin, as text. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A secret option's value, asked for (without echo) on a terminal when the flag was not given. */
export async function secretOrPrompt(value: string | undefined, flag: string, prompt: string): Promise<string> {
  if (value !== undefined) return value;
  if (!process.stdin.isTTY) throw new UsageError(`${flag} is required (or run on a terminal to be asked for it)`);
  const answer = await readHidden(prompt);
  if (answer === '') throw new CliError(`no ${flag.replace(/^--/, '')} given`);
  return answer;
}

/** Asks a yes/no question on a terminal; without one, answers yes (scripts pass -y anyway). */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return true;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`${question} [y/n] `);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

/** Reads one line from the terminal in raw mode, echoing nothing; Ctrl-C aborts (exit 130). */
function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return (finish(), resolve(value));
        if (ch === '\u0003') return (finish(), reject(new CliError('interrupted', { exitCode: 130 })));
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.on('data', onData);
  });
}
