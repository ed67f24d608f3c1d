// An Application's `spec.source.kustomize` options turned into what Argo CD does with them (util/
// kustomize Build): `kustomize edit` commands run in the source directory, in Argo CD's order
// (namePrefix, nameSuffix, images, replicas, commonLabels, commonAnnotations, namespace), patches
// appended to the kustomization's `patches` (kustomize has no edit command for them), then
// components; and the `kustomize build` arguments: the hub-wide build options, plus the Helm
// version flags when they enable Helm (from the cluster's capabilities unless the source sets
// kubeVersion/apiVersions, as Argo CD does). Pure.
import { envsubst, type BuildEnv } from './argocd-env.ts';

/** One step before the build: a `kustomize edit` run, or patches to append. */
export type KustomizeStep = { kind: 'edit'; args: string[] } | { kind: 'patches'; patches: Record<string, unknown>[] };

/** The steps, with the components the Application adds (to check they stay inside), or what is wrong with the options. */
export type KustomizeSteps = { ok: true; steps: KustomizeStep[]; components: string[]; patchPaths: string[] } | { ok: false; field: string; message: string };

const FIELD = 'spec.source.kustomize';

/** The steps for `spec.source.kustomize` (undefined or `{}`: none). `componentExists` answers for `ignoreMissingComponents`. */
export function kustomizeSteps(options: unknown, env: BuildEnv, componentExists: (component: string) => boolean): KustomizeSteps {
  if (options == null) return { ok: true, steps: [], components: [], patchPaths: [] };
  if (!isObject(options)) return bad(FIELD, 'must be an object');
  const o = options;
  const steps: KustomizeStep[] = [];
  const edit = (...args: string[]) => steps.push({ kind: 'edit', args });
  try {
    const namePrefix = str(o, 'namePrefix');
    if (namePrefix) edit('set', 'nameprefix', '--', namePrefix);
    const nameSuffix = str(o, 'nameSuffix');
    if (nameSuffix) edit('set', 'namesuffix', '--', nameSuffix);
    const images = strings(o, 'images');
    if (images.length) edit('set', 'image', ...images.map((i) => envsubst(i, env)));
    const replicas = list(o, 'replicas').map((r, i) => replica(r, `${FIELD}.replicas[${i}]`));
    if (replicas.length) edit('set', 'replicas', ...replicas);
    const labels = stringMap(o, 'commonLabels');
    if (Object.keys(labels).length) {
      const flags = [flag(o, 'forceCommonLabels', '--force'), flag(o, 'labelWithoutSelector', '--without-selector'), flag(o, 'labelIncludeTemplates', '--include-templates')];
      edit('add', 'label', ...flags.flat(), ...pairs(labels, (v) => envsubst(v, env)));
    }
    const annotations = stringMap(o, 'commonAnnotations');
    if (Object.keys(annotations).length) {
      const subst = o['commonAnnotationsEnvsubst'] === true;
      edit('add', 'annotation', ...flag(o, 'forceCommonAnnotations', '--force'), ...pairs(annotations, (v) => (subst ? envsubst(v, env) : v)));
    }
    const namespace = str(o, 'namespace');
    if (namespace) edit('set', 'namespace', '--', namespace);
    const patches = list(o, 'patches').map((p, i) => patch(p, `${FIELD}.patches[${i}]`));
    if (patches.length) steps.push({ kind: 'patches', patches });
    let components = strings(o, 'components');
    if (o['ignoreMissingComponents'] === true) components = components.filter(componentExists);
    if (components.length) edit('add', 'component', ...components);
    const patchPaths = patches.map((p) => p['path']).filter((p): p is string => typeof p === 'string' && p !== '');
    return { ok: true, steps, components, patchPaths };
  } catch (error) {
    if (error instanceof OptionError) return bad(error.field, error.message);
    throw error;
  }
}

/** `kustomize build` arguments: the path, the hub's build options, and the Helm version flags when those enable Helm. */
export function buildArgs(path: string, buildOptions: readonly string[], helm: { kubeVersion: string; apiVersions: readonly string[]; command?: string }): string[] {
  const args = ['build', path || '.', ...buildOptions];
  // Argo CD's test is a substring match on the options string (isHelmEnabled).
  if (!buildOptions.join(' ').includes('--enable-helm')) return args;
  if (helm.command && !buildOptions.some((a) => a === '--helm-command' || a.startsWith('--helm-command='))) args.push('--helm-command', helm.command);
  if (helm.kubeVersion) args.push('--helm-kube-version', helm.kubeVersion);
  for (const v of helm.apiVersions) args.push('--helm-api-versions', v);
  return args;
}

/** Argo CD's parseKubeVersion (k8s ParseGeneric then String): `v1.34.4+k3s1` → `1.34.4`; '' stays ''; undefined when unparseable. */
export function parseKubeVersion(version: string): string | undefined {
  if (version.trim() === '') return '';
  const match = /^v?((?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))+)/.exec(version.trim());
  return match?.[1];
}

/** The Kubernetes version and API versions for Helm: the source's own, else the cluster's. */
export function helmCapabilities(options: unknown, capabilities: { kubeVersion: string; apiVersions: string[] }): { kubeVersion: string; apiVersions: string[] } | { error: string } {
  const o = isObject(options) ? options : {};
  const requested = typeof o['kubeVersion'] === 'string' && o['kubeVersion'] !== '' ? o['kubeVersion'] : capabilities.kubeVersion;
  const kubeVersion = parseKubeVersion(requested);
  if (kubeVersion === undefined) return { error: `could not parse kubernetes version ${requested}` };
  const own = Array.isArray(o['apiVersions']) ? o['apiVersions'].filter((v): v is string => typeof v === 'string') : [];
  return { kubeVersion, apiVersions: own.length ? own : capabilities.apiVersions };
}

class OptionError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

function replica(r: unknown, field: string): string {
  if (!isObject(r) || typeof r['name'] !== 'string' || r['name'] === '') throw new OptionError(field, 'needs a name and a count');
  const count = r['count'];
  const n = typeof count === 'number' ? count : typeof count === 'string' && /^-?\d+$/.test(count) ? Number(count) : NaN;
  if (!Number.isInteger(n)) throw new OptionError(`${field}.count`, `expected integer value for count. Received: ${String(count)}`);
  return `${r['name']}=${n}`;
}

function patch(p: unknown, field: string): Record<string, unknown> {
  if (!isObject(p)) throw new OptionError(field, 'must be an object with path or patch, and target');
  const known = new Set(['path', 'patch', 'target', 'options']);
  const unknown = Object.keys(p).filter((k) => !known.has(k));
  if (unknown.length) throw new OptionError(`${field}.${unknown[0]}`, 'is not a field of a Kustomize patch (path, patch, target, options)');
  return p;
}

function pairs(map: Record<string, string>, value: (v: string) => string): string[] {
  return Object.entries(map).map(([k, v]) => `${k}:${value(v)}`);
}

function flag(o: Record<string, unknown>, name: string, arg: string): string[] {
  return o[name] === true ? [arg] : [];
}

function str(o: Record<string, unknown>, name: string): string {
  const v = o[name];
  if (v == null) return '';
  if (typeof v !== 'string') throw new OptionError(`${FIELD}.${name}`, 'must be a string');
  return v;
}

function list(o: Record<string, unknown>, name: string): unknown[] {
  const v = o[name];
  if (v == null) return [];
  if (!Array.isArray(v)) throw new OptionError(`${FIELD}.${name}`, 'must be a list');
  return v;
}

function strings(o: Record<string, unknown>, name: string): string[] {
  return list(o, name).map((v, i) => {
    if (typeof v !== 'string') throw new OptionError(`${FIELD}.${name}[${i}]`, 'must be a string');
    return v;
  });
}

function stringMap(o: Record<string, unknown>, name: string): Record<string, string> {
  const v = o[name];
  if (v == null) return {};
  if (!isObject(v)) throw new OptionError(`${FIELD}.${name}`, 'must be a map of strings');
  for (const [k, value] of Object.entries(v)) if (typeof value !== 'string') throw new OptionError(`${FIELD}.${name}.${k}`, 'must be a string');
  return v as Record<string, string>;
}

function bad(field: string, message: string): KustomizeSteps {
  return { ok: false, field, message };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
