// A chart's dependencies (Chart.yaml `dependencies`, or requirements.yaml for apiVersion v1
// charts) and what fetching them takes. Argo CD runs `helm dependency build` when a dependency is
// not in `charts/`, after `helm repo add` for each repository URL the dependencies name (helm
// refuses a URL it has no repository entry for); so does the Helm driver. Repository aliases
// (`@name`, `alias:name`) name repositories of a helm installation, which the hub has not: they
// are refused with the URL to write instead. `file://` dependencies must stay in the repository.
import { parse } from 'yaml';

/** One entry of `dependencies`. */
export interface ChartDependency {
  name: string;
  version: string;
  repository: string;
}

/** What fetching a chart's missing dependencies needs (pure answer of dependencyNeeds). */
export interface DependencyNeeds {
  /** Dependencies not vendored in `charts/`: when empty, nothing is built. */
  missing: ChartDependency[];
  /** HTTP(S) repository URLs to add before `helm dependency build`. */
  http: string[];
  /** `oci://` repository URLs (for registry logins). */
  oci: string[];
  /** `file://` paths as written, relative to the chart directory. */
  files: string[];
}

/** The dependencies a chart's Chart.yaml (or requirements.yaml) lists, or why they cannot be read (pure). */
export function readDependencies(chartYaml: string, requirementsYaml?: string): { ok: true; dependencies: ChartDependency[] } | { ok: false; message: string } {
  let deps: unknown;
  try {
    deps = record(parse(chartYaml))?.['dependencies'];
    if (deps === undefined && requirementsYaml !== undefined) deps = record(parse(requirementsYaml))?.['dependencies'];
  } catch (error) {
    return { ok: false, message: `Chart.yaml does not parse: ${(error as Error).message.split('\n')[0]}` };
  }
  if (deps == null) return { ok: true, dependencies: [] };
  if (!Array.isArray(deps)) return { ok: false, message: 'Chart.yaml: "dependencies" is not a list' };
  const dependencies = deps.flatMap((d): ChartDependency[] => {
    const r = record(d);
    if (!r || typeof r['name'] !== 'string') return [];
    return [{ name: r['name'], version: typeof r['version'] === 'string' ? r['version'] : '', repository: typeof r['repository'] === 'string' ? r['repository'] : '' }];
  });
  return { ok: true, dependencies };
}

/** Which dependencies `charts/` lacks (its entry names given) and which repositories they come from (pure). */
export function dependencyNeeds(dependencies: ChartDependency[], chartsEntries: readonly string[]): { ok: true; needs: DependencyNeeds } | { ok: false; message: string } {
  const files = dependencies.filter((d) => d.repository.startsWith('file://')).map((d) => d.repository.slice('file://'.length));
  const missing = dependencies.filter((d) => !chartsEntries.some((e) => e === d.name || (e.startsWith(`${d.name}-`) && e.endsWith('.tgz'))));
  const needs: DependencyNeeds = { missing, http: [], oci: [], files };
  for (const dep of missing) {
    const repo = dep.repository;
    if (repo.startsWith('@') || repo.startsWith('alias:')) {
      return { ok: false, message: `Chart.yaml: dependency "${dep.name}" names the repository by the alias "${repo}"; the hub keeps no named Helm repositories: write the repository's URL instead` };
    }
    if (/^https?:\/\//.test(repo) && !needs.http.includes(repo)) needs.http.push(repo);
    if (repo.startsWith('oci://') && !needs.oci.includes(repo)) needs.oci.push(repo);
  }
  return { ok: true, needs };
}

/** The host (with port) of an `oci://host/path` reference (pure). */
export function ociHost(url: string): string {
  return url.replace(/^oci:\/\//, '').split('/')[0] ?? '';
}

/**
 * Whether a registry host is on loopback (`127.0.0.0/8`, `[::1]`, `localhost`), where the driver
 * speaks plain http to OCI registries (`--plain-http`); everywhere else it is https (pure).
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
