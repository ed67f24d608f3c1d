// `flotilla login URL` (opens a session and saves the hub URL, token and how to trust the hub's
// certificate in the config file) and `flotilla logout` (ends the session on the hub and forgets
// the token).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseFingerprint } from '@flotilla/shared';
import { ApiClient } from '../client.ts';
import { configPath, loadConfig, loadTrust, normalizeServer, resolveTarget, saveConfig, trustOf, type TrustConfig } from '../config.ts';
import { UsageError } from '../errors.ts';
import { globalsOf, print, secretOrPrompt } from '../kit.ts';
import { loginWithSso } from './login-sso.ts';

/** Adds `login` and `logout`. */
export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('log in to a hub and remember it (and the session token) in the config file')
    .argument('<url>', 'the hub URL, e.g. http://127.0.0.1:8080')
    .option('--username <name>', 'account name', 'admin')
    .option('--password <password>', 'password (asked for on a terminal when left out)')
    .option('--sso', 'log in through the hub\'s SSO provider: prints a URL to open in a browser, waits on a 127.0.0.1 port for the result')
    .option('--ca-file <file>', "verify the hub's certificate against this PEM CA (or the certificate itself)")
    .option('--hub-fingerprint <sha256>', "accept the hub's certificate only with this SHA-256 fingerprint (printed by flotilla-hub at start)")
    .option('--insecure-skip-tls-verify', "accept any certificate the hub shows (unsafe)")
    .action(async (url: string, opts: LoginOptions) => {
      let server: string;
      let trust: TrustConfig;
      try {
        server = normalizeServer(url);
        trust = trustOptions(opts, server);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      if (opts.sso && opts.password !== undefined) throw new UsageError('--sso logs in through the identity provider: leave out --password');
      const answer = opts.sso
        ? { body: await loginWithSso(server, loadTrust(trust), print) }
        : await new ApiClient(server, undefined, loadTrust(trust)).request<{ token: string; username: string }>('POST', '/api/v1/session', {
          body: { username: opts.username, password: await secretOrPrompt(opts.password, '--password', `password for ${opts.username}: `) },
        });
      const path = configPath();
      // The trust given now replaces any stored for an earlier hub.
      saveConfig({ server, token: answer.body.token, username: answer.body.username, ...trust }, path);
      print(`logged in to ${server} as ${answer.body.username}`);
    });

  program
    .command('logout')
    .description('end the session on the hub and forget its token')
    .action(async (_opts: unknown, cmd: Command) => {
      const path = configPath();
      const config = loadConfig(path);
      const target = resolveTarget(globalsOf(cmd), process.env, config);
      if (!target.server || !target.token) {
        print('not logged in');
        return;
      }
      let note = '';
      try {
        await new ApiClient(target.server, target.token).request('DELETE', '/api/v1/session');
      } catch (error) {
        note = ` (the hub was not told: ${(error as Error).message})`;
      }
      if (config.token === target.token) saveConfig({ server: config.server, username: config.username, ...trustOf(config) }, path);
      print(`logged out of ${target.server}${note}`);
    });
}

interface LoginOptions {
  username: string;
  password?: string;
  sso?: boolean;
  caFile?: string;
  hubFingerprint?: string;
  insecureSkipTlsVerify?: boolean;
}

/** The trust flags as config fields; contradictions and malformed fingerprints are refused (pure). */
export function trustOptions(opts: Pick<LoginOptions, 'caFile' | 'hubFingerprint' | 'insecureSkipTlsVerify'>, server: string): TrustConfig {
  const given = [opts.caFile || opts.hubFingerprint ? 'verify' : '', opts.insecureSkipTlsVerify ? 'skip' : ''].filter(Boolean);
  if (given.length > 1) throw new Error('--insecure-skip-tls-verify contradicts --ca-file and --hub-fingerprint: give one or the other');
  if (given.length && !server.startsWith('https:')) throw new Error(`--ca-file, --hub-fingerprint and --insecure-skip-tls-verify are for an https:// hub, not ${server}`);
  const fingerprint = opts.hubFingerprint === undefined ? undefined : parseFingerprint(opts.hubFingerprint);
  if (opts.hubFingerprint !== undefined && !fingerprint) throw new Error(`--hub-fingerprint "${opts.hubFingerprint}" is not a SHA-256 fingerprint (64 hex digits, colons optional)`);
  return {
    ...(opts.caFile ? { caFile: resolve(opts.caFile) } : {}),
    ...(fingerprint ? { hubFingerprint: fingerprint } : {}),
    ...(opts.insecureSkipTlsVerify ? { insecureSkipTlsVerify: true } : {}),
  };
}
