// The CLI's config file (`$FLOTILLA_CONFIG` or ~/.config/flotilla/config.json, mode 0600) holding
// the hub URL, session token, username and how to trust the hub's TLS certificate, and how flags
// and env vars override it.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TlsTrust } from '@flotilla/shared';
import { CliError } from './errors.ts';

/** What the config file holds; every field is optional (a fresh install has none). */
export interface CliConfig {
  server?: string;
  token?: string;
  username?: string;
  /** A PEM file of the CA (or the certificate itself) the hub's certificate is verified against. */
  caFile?: string;
  /** The SHA-256 fingerprint the hub's certificate must have (pinning). */
  hubFingerprint?: string;
  /** Accept any certificate the hub shows (unsafe; for trying things out). */
  insecureSkipTlsVerify?: boolean;
}

/** How `server` is trusted: the fields of the config that say so. */
export type TrustConfig = Pick<CliConfig, 'caFile' | 'hubFingerprint' | 'insecureSkipTlsVerify'>;

/** The global options every command accepts. */
export interface GlobalOptions {
  server?: string;
  authToken?: string;
}

/** Where the config file lives. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLOTILLA_CONFIG || join(homedir(), '.config', 'flotilla', 'config.json');
}

/** Reads the config file; an absent file is an empty config, a corrupt one an error. */
export function loadConfig(path = configPath()): CliConfig {
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CliError(`the config file ${path} does not hold a JSON object`);
  const record = parsed as Record<string, unknown>;
  const text = (key: string) => (typeof record[key] === 'string' && record[key] !== '' ? (record[key] as string) : undefined);
  const config: CliConfig = { server: text('server'), token: text('token'), username: text('username') };
  const caFile = text('caFile');
  const hubFingerprint = text('hubFingerprint');
  if (caFile) config.caFile = caFile;
  if (hubFingerprint) config.hubFingerprint = hubFingerprint;
  if (record.insecureSkipTlsVerify === true) config.insecureSkipTlsVerify = true;
  return config;
}

/** Writes the config file with mode 0600 (its directory 0700 when created). */
export function saveConfig(config: CliConfig, path = configPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** The server and token to use: flags, then FLOTILLA_SERVER / FLOTILLA_AUTH_TOKEN, then the file (pure). */
export function resolveTarget(flags: GlobalOptions, env: NodeJS.ProcessEnv, config: CliConfig): CliConfig {
  const server = flags.server || env.FLOTILLA_SERVER || config.server;
  const token = flags.authToken || env.FLOTILLA_AUTH_TOKEN || config.token;
  const resolved = server ? normalizeServer(server) : undefined;
  // The stored trust belongs to the stored server; another server (a flag, the env) is verified as usual.
  const trust = resolved && config.server && normalizeServer(config.server) === resolved ? trustOf(config) : {};
  return { server: resolved, token: token || undefined, username: config.username, ...trust };
}

/** The trust fields of a config, only those that are set (pure). */
export function trustOf(config: CliConfig): TrustConfig {
  return {
    ...(config.caFile ? { caFile: config.caFile } : {}),
    ...(config.hubFingerprint ? { hubFingerprint: config.hubFingerprint } : {}),
    ...(config.insecureSkipTlsVerify ? { insecureSkipTlsVerify: true } : {}),
  };
}

/** The TLS trust for a target, reading its CA file; undefined for the system CAs. */
export function loadTrust(target: TrustConfig): TlsTrust | undefined {
  if (!target.caFile && !target.hubFingerprint && !target.insecureSkipTlsVerify) return undefined;
  let ca: string | undefined;
  if (target.caFile) {
    try {
      ca = readFileSync(target.caFile, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read the CA file ${target.caFile}: ${(error as Error).message}`, { exitCode: 2 });
    }
  }
  return { ...(ca ? { ca } : {}), ...(target.hubFingerprint ? { fingerprint: target.hubFingerprint } : {}), ...(target.insecureSkipTlsVerify ? { insecureSkipVerify: true } : {}) };
}

/** A hub URL without trailing slashes; anything but http(s)://host is refused. */
export function normalizeServer(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`"${url}" is not a URL (expected http(s)://host[:port])`, { exitCode: 2 });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CliError(`"${url}" is not an http(s) URL`, { exitCode: 2 });
  return url.replace(/\/+$/, '');
}
