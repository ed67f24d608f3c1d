// Where the Go-built tools live: ${FLOTILLA_CACHE:-~/.cache/flotilla}/bin/<tool>-<version>/<binary>,
// at the versions pinned in versions.env (the one file build-tools.sh also reads).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The binaries build-tools.sh produces, by the versions.env key that pins each. */
const binaries = {
  'kube-apiserver': 'KUBERNETES_VERSION',
  'kube-controller-manager': 'KUBERNETES_VERSION',
  'kube-scheduler': 'KUBERNETES_VERSION',
  kubectl: 'KUBERNETES_VERSION',
  etcd: 'ETCD_VERSION',
  kwok: 'KWOK_VERSION',
  helm: 'HELM_VERSION',
  kustomize: 'KUSTOMIZE_VERSION',
  jsonnet: 'JSONNET_VERSION',
  registry: 'DISTRIBUTION_VERSION',
} as const;

export type ToolName = keyof typeof binaries;

/** The directory under which every cache of the project lives. */
export function cacheDir(): string {
  return process.env.FLOTILLA_CACHE || join(homedir(), '.cache', 'flotilla');
}

/** The pinned versions, parsed from versions.env (NAME=value lines, # comments). */
export function pinnedVersions(): Record<string, string> {
  const text = readFileSync(new URL('./versions.env', import.meta.url), 'utf8');
  const versions: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z_]+)=(\S+)\s*$/.exec(line);
    if (match) versions[match[1]!] = match[2]!;
  }
  return versions;
}

/** The directory that holds a tool's binary at its pinned version. */
export function toolDir(name: ToolName): string {
  const key = binaries[name];
  const version = pinnedVersions()[key];
  if (!version) throw new Error(`versions.env pins no ${key}`);
  const family = key.replace(/_VERSION$/, '').toLowerCase();
  return join(cacheDir(), 'bin', `${family}-${version}`);
}

/** The path of a built tool; throws with the command to run when it has not been built. */
export function toolPath(name: ToolName): string {
  const path = join(toolDir(name), name);
  if (!existsSync(path)) {
    throw new Error(`${name} is not built at ${path}: run \`npm run cluster:build\` first`);
  }
  return path;
}
