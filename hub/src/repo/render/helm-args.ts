// The `helm template` command line for one render, from facts already resolved (files placed and
// checked, capabilities chosen). Pure. The order is Argo CD's (util/helm/cmd.go template): value
// files, then the inline values file, then --set/--set-string, then --set-file; Helm merges them
// in that precedence whatever the flag order, so later parameters win over earlier ones. Also the
// `helm repo add` and `helm pull` command lines, with `helm.passCredentials` as `--pass-credentials`.
import type { ClusterCapabilities } from './types.ts';
import type { HelmParameter, HelmSpec } from './helm-spec.ts';

/** Everything `helm template` is told. */
export interface TemplatePlan {
  releaseName: string;
  /** The chart: an absolute directory, `oci://…`, or a name in `repo` (or in an added repository, `name/chart`). */
  chart: string;
  /** Chart version (constraint) for charts from a repository or registry. */
  version?: string;
  /** An HTTP Helm repository to look the chart up in (`--repo`), when no credentials are needed. */
  repo?: string;
  /** http instead of https for an OCI registry on loopback. */
  plainHttp?: boolean;
  namespace: string;
  kubeVersion: string;
  apiVersions: string[];
  /** Absolute paths of value files, in order (the inline values file last). */
  valueFiles: string[];
  parameters: HelmParameter[];
  /** `--set-file` parameters with absolute paths. */
  fileParameters: { name: string; path: string }[];
  includeCrds: boolean;
  skipTests: boolean;
  skipSchemaValidation: boolean;
}

/** The arguments after the helm binary (pure). */
export function templateArgs(plan: TemplatePlan): string[] {
  const args = ['template', plan.releaseName, plan.chart];
  if (plan.version) args.push('--version', plan.version);
  if (plan.repo) args.push('--repo', plan.repo);
  if (plan.plainHttp) args.push('--plain-http');
  if (plan.namespace) args.push('--namespace', plan.namespace);
  if (plan.kubeVersion) args.push('--kube-version', plan.kubeVersion);
  for (const apiVersion of plan.apiVersions) args.push('--api-versions', apiVersion);
  for (const file of plan.valueFiles) args.push('--values', file);
  for (const p of plan.parameters) args.push(p.forceString ? '--set-string' : '--set', `${p.name}=${escapeSetValue(p.value)}`);
  for (const p of plan.fileParameters) args.push('--set-file', `${p.name}=${p.path}`);
  if (plan.includeCrds) args.push('--include-crds');
  if (plan.skipTests) args.push('--skip-tests');
  if (plan.skipSchemaValidation) args.push('--skip-schema-validation');
  return args;
}

/**
 * A `--set` value as Argo CD passes it (cleanSetParameters): a comma not already escaped is
 * escaped, so `a,b` stays one string, except in a `{a,b}` list (pure).
 */
export function escapeSetValue(value: string): string {
  if (value.startsWith('{') && value.endsWith('}')) return value;
  return value.replace(/(?<!\\),/g, '\\,');
}

/** `.Capabilities` for a render: the source's `kubeVersion`/`apiVersions` win over the cluster's (pure). */
export function effectiveCapabilities(spec: Pick<HelmSpec, 'kubeVersion' | 'apiVersions'>, cluster: ClusterCapabilities): ClusterCapabilities {
  return {
    kubeVersion: spec.kubeVersion ?? cluster.kubeVersion,
    apiVersions: spec.apiVersions ?? cluster.apiVersions,
  };
}

/** The release name (`helm.releaseName`, else the application's name) and namespace (`helm.namespace`, else the destination's) (pure). */
export function releaseOf(spec: Pick<HelmSpec, 'releaseName' | 'namespace'>, appName: string, namespace: string): { releaseName: string; namespace: string } {
  return { releaseName: spec.releaseName ?? appName, namespace: spec.namespace ?? namespace };
}

/**
 * `helm repo add` arguments: with credentials the username (the password goes on stdin), and
 * `--pass-credentials` when `helm.passCredentials` asks helm to send them to every host the
 * repository's index points at, not only the repository's own (pure).
 */
export function repoAddArgs(name: string, url: string, username: string | undefined, passCredentials: boolean): string[] {
  return ['repo', 'add', name, url, ...(username !== undefined ? ['--username', username, '--password-stdin'] : []), ...(passCredentials ? ['--pass-credentials'] : [])];
}

/** How `helm pull` finds a chart: an OCI reference, a name in an added repository, or a name looked up with `--repo`. */
export type PullFrom = { kind: 'oci'; ref: string; plainHttp: boolean } | { kind: 'added'; repoName: string; chart: string } | { kind: 'repo'; repoURL: string; chart: string };

/**
 * `helm pull` arguments into `into` (unpacked). `--pass-credentials` goes with a chart from an HTTP
 * Helm repository, as Argo CD passes it (helm cmd.go Fetch); an OCI registry's login is per host (pure).
 */
export function pullArgs(from: PullFrom, version: string, into: string, passCredentials: boolean): string[] {
  const chart = from.kind === 'oci' ? [from.ref] : from.kind === 'added' ? [`${from.repoName}/${from.chart}`] : [from.chart, '--repo', from.repoURL];
  const args = ['pull', ...chart, ...(version ? ['--version', version] : []), '--untar', '--untardir', into];
  if (from.kind === 'oci' && from.plainHttp) args.push('--plain-http');
  if (from.kind !== 'oci' && passCredentials) args.push('--pass-credentials');
  return args;
}
