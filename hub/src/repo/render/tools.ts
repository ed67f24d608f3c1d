// Where the hub finds its render tools: FLOTILLA_HELM / FLOTILLA_KUSTOMIZE / FLOTILLA_JSONNET, else
// the tool cache that `npm run cluster:build` fills (${FLOTILLA_CACHE:-~/.cache/flotilla}/bin/
// <tool>-<version>/<tool>, the newest version), else PATH; more kustomize binaries by version from
// FLOTILLA_KUSTOMIZE_PATHS (`v4.5.7=/opt/kustomize-4.5.7,…`, for spec.source.kustomize.version; a
// malformed setting or a path that is not executable stops the hub at start). The hub logs what it
// found at start; an application that needs a missing tool gets a condition naming it and how to get it.
import { accessSync, constants, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseKustomizePaths } from './kustomize-version.ts';
import type { RenderTools } from './types.ts';

/** The tools the hub can render with. */
export const TOOL_NAMES = ['helm', 'kustomize', 'jsonnet'] as const;

/** Finds each tool (pure over the environment and file system it is given). */
export function findTools(env: NodeJS.ProcessEnv = process.env): RenderTools {
  const tools: RenderTools = {};
  for (const name of TOOL_NAMES) {
    const found = env[`FLOTILLA_${name.toUpperCase()}`] || fromCache(name, env) || fromPath(name, env);
    if (found) tools[name] = found;
  }
  const paths = parseKustomizePaths(env.FLOTILLA_KUSTOMIZE_PATHS);
  if (!paths.ok) throw new Error(paths.message);
  for (const [version, path] of Object.entries(paths.versions)) {
    if (!isExecutable(path)) throw new Error(`FLOTILLA_KUSTOMIZE_PATHS: the kustomize for ${version}, ${path}, is not an executable file`);
  }
  if (Object.keys(paths.versions).length) tools.kustomizeVersions = paths.versions;
  return tools;
}

/** The message of the condition an application gets when its tool is missing. */
export function missingTool(name: (typeof TOOL_NAMES)[number]): string {
  return `rendering needs ${name}, which the hub did not find: run \`npm run cluster:build\` (builds it into the tool cache), put it on PATH, or set FLOTILLA_${name.toUpperCase()}`;
}

function fromCache(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const bin = join(env.FLOTILLA_CACHE || join(homedir(), '.cache', 'flotilla'), 'bin');
  let dirs: string[];
  try {
    dirs = readdirSync(bin).filter((d) => d.startsWith(`${name}-`)).sort(compareVersionDirs).reverse();
  } catch {
    return undefined;
  }
  return dirs.map((d) => join(bin, d, name)).find(isExecutable);
}

function fromPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  return (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name)).find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Orders `helm-v3.9.0` before `helm-v3.19.0` (numeric parts compared as numbers). */
export function compareVersionDirs(a: string, b: string): number {
  const parts = (s: string) => s.split(/[^0-9]+/).filter(Boolean).map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
