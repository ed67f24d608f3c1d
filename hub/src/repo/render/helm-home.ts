// A helm home of one render: config, cache and data folders in a fresh 0700 folder beside the
// render's checkout (never inside it, where a chart at the repository root would see them as its
// files), so renders share no repository list, index cache or registry login, and helm finds no
// plugins. Credentials reach helm only through that folder: `helm repo add --password-stdin`
// writes repositories.yaml and `helm registry login --password-stdin` the registry config, so no
// password is ever on a command line where `ps` shows it.
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool } from './run-tool.ts';
import { repoAddArgs } from './helm-args.ts';
import { isLoopbackHost, ociHost } from './helm-chart.ts';
import type { RenderBounds } from './types.ts';

/** One render's helm home and the environment that points helm at it. */
export interface HelmHome {
  dir: string;
  env: Record<string, string>;
  /** Repository names added so far, by URL. */
  repos: Map<string, string>;
}

/** What running helm needs besides its arguments. */
export interface HelmRunner {
  helm: string;
  home: HelmHome;
  bounds: RenderBounds;
  credentials(url: string): { username: string; password: string } | undefined;
  /** The hub's fetch policy for repositories helm would fetch on its own, when the dispatcher gives one. */
  mayFetch?: (url: string) => Promise<{ ok: true } | { ok: false; reason: string }>;
  /** `helm.passCredentials`: credentials go to every host a repository's index points at (`--pass-credentials`). */
  passCredentials?: boolean;
}

/** A failed step: what it was and helm's answer. */
export interface StepFailure {
  what: string;
  stderr: string;
  message: string;
}

/** Makes a fresh helm home under `parent`. */
export async function createHelmHome(parent: string): Promise<HelmHome> {
  const dir = await mkdtemp(join(parent, '.helm-'));
  const env = {
    HOME: dir,
    HELM_CACHE_HOME: join(dir, 'cache'),
    HELM_CONFIG_HOME: join(dir, 'config'),
    HELM_DATA_HOME: join(dir, 'data'),
    HELM_REPOSITORY_CONFIG: join(dir, 'config', 'repositories.yaml'),
    HELM_REPOSITORY_CACHE: join(dir, 'cache', 'repository'),
    HELM_REGISTRY_CONFIG: join(dir, 'config', 'registry.json'),
    HELM_NO_PLUGINS: '1',
  };
  return { dir, env, repos: new Map() };
}

/** Removes a helm home and what it holds (logins included). */
export async function removeHelmHome(home: HelmHome): Promise<void> {
  await rm(home.dir, { recursive: true, force: true });
}

/** Runs helm in the home: its standard output, or the failure. */
export async function runHelm(runner: HelmRunner, what: string, args: string[], options: { cwd?: string; input?: string; onStdout?: (chunk: Buffer) => void } = {}): Promise<{ ok: true; stdout: string } | ({ ok: false } & StepFailure)> {
  const run = await runTool(runner.helm, args, { cwd: options.cwd ?? runner.home.dir, env: runner.home.env, bounds: runner.bounds, input: options.input, ...(options.onStdout ? { onStdout: options.onStdout } : {}) });
  if (run.ok) return { ok: true, stdout: run.stdout };
  const message = run.reason === 'exit' ? `helm ${run.message}` : `helm ${run.message}${run.stderr ? `: ${run.stderr}` : ''}`;
  return { ok: false, what, stderr: run.reason === 'exit' ? run.stderr : '', message };
}

/** Adds an HTTP(S) Helm repository (with its credentials, if the hub has any) and downloads its index; answers its name. */
export async function addRepository(runner: HelmRunner, url: string): Promise<{ ok: true; name: string } | ({ ok: false } & StepFailure)> {
  const known = runner.home.repos.get(url);
  if (known) return { ok: true, name: known };
  const name = `repo-${runner.home.repos.size}`;
  const creds = runner.credentials(url);
  const args = repoAddArgs(name, url, creds?.username, runner.passCredentials === true);
  const run = await runHelm(runner, `adding the Helm repository ${url}`, args, { input: creds?.password });
  if (!run.ok) return run;
  runner.home.repos.set(url, name);
  return { ok: true, name };
}

/** Logs in to the OCI registry of `url` when the hub has credentials for it (plain http on loopback). */
export async function loginRegistry(runner: HelmRunner, url: string): Promise<{ ok: true } | ({ ok: false } & StepFailure)> {
  const creds = runner.credentials(url);
  if (!creds) return { ok: true };
  const host = ociHost(url);
  const args = ['registry', 'login', host, '--username', creds.username, '--password-stdin', ...(isLoopbackHost(host) ? ['--plain-http'] : [])];
  const run = await runHelm(runner, `logging in to the OCI registry ${host}`, args, { input: creds.password });
  return run.ok ? { ok: true } : run;
}
