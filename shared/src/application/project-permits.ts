// What an AppProject permits, in Argo CD's semantics (AppProject.IsSourcePermitted,
// isDestinationMatched, IsGroupKindPermitted, IsAppNamespacePermitted): checked when an
// application is written (`applicationViolations`), after its manifests are rendered
// (`bundleViolations`) and by the agent before it applies (the same rules travel in the
// assignment as `projectLimits`). Each violation names the project rule that decided it. Pure.
import type { AppProjectSpec } from './project-schema.ts';
import { globMatch, isDenyPattern, matchesAny } from './glob-match.ts';

/** The project rules the permits read (a subset of an AppProject spec; what the assignment carries). */
export type ProjectRules = Pick<AppProjectSpec,
  'sourceRepos' | 'sourceNamespaces' | 'destinations' | 'clusterResourceWhitelist' | 'clusterResourceBlacklist'
  | 'namespaceResourceWhitelist' | 'namespaceResourceBlacklist' | 'syncWindows' | 'orphanedResources'>;

/** A project: its name and rules. */
export interface ProjectLike {
  name: string;
  spec: ProjectRules;
}

/** A destination as the permits see it: the cluster's name and server (either may be empty) and a namespace. */
export interface PermitDestination {
  name?: string;
  server?: string;
  namespace: string;
}

/** One broken rule: which project field decided, where (a field path or an object), and why. */
export interface Violation {
  rule: 'sourceRepos' | 'sourceNamespaces' | 'destinations' | 'clusterResourceWhitelist' | 'clusterResourceBlacklist' | 'namespaceResourceWhitelist' | 'namespaceResourceBlacklist';
  path: string;
  message: string;
}

/** The project fields the limits keep (the rest of a spec is not enforcement, or not the agent's). */
const RULE_KEYS = ['sourceRepos', 'sourceNamespaces', 'destinations', 'clusterResourceWhitelist', 'clusterResourceBlacklist',
  'namespaceResourceWhitelist', 'namespaceResourceBlacklist', 'syncWindows', 'orphanedResources'] as const;

/** A project spec cut down to its rules (what travels to the agent as `projectLimits`). */
export function projectRulesOf(spec: Record<string, unknown>): ProjectRules {
  const rules: Record<string, unknown> = {};
  for (const key of RULE_KEYS) if (spec[key] !== undefined) rules[key] = spec[key];
  return rules as ProjectRules;
}

/** Argo CD's NormalizeGitURL, for http(s) and scp-like URLs: lower case, no `.git`, no trailing slash. */
export function normalizeGitUrl(url: string): string {
  let repo = url.trim().toLowerCase();
  const scp = /^([\w.-]+@[\w.-]+):(?!\/\/)(.*)$/.exec(repo);
  if (scp) repo = `${scp[1]}/${scp[2]}`;
  repo = repo.replace(/^ssh:\/\//, '').replace(/\/+$/, '');
  return repo.endsWith('.git') ? repo.slice(0, -4) : repo;
}

/** Whether a repository URL is one of the project's sourceRepos (`!` entries refuse what they match). */
export function isSourcePermitted(rules: ProjectRules, repoURL: string): boolean {
  const source = normalizeGitUrl(repoURL);
  let matched = false;
  for (const entry of rules.sourceRepos ?? []) {
    const pattern = isDenyPattern(entry) ? `!${normalizeGitUrl(entry.slice(1))}` : normalizeGitUrl(entry);
    if (globMatch(pattern, source, { negation: true, separator: '/' })) matched = true;
    else if (isDenyPattern(pattern)) return false;
  }
  return matched;
}

/** Whether a destination is one of the project's destinations (a matching `!` entry refuses it). */
export function isDestinationPermitted(rules: ProjectRules, dest: PermitDestination): boolean {
  let matched = false;
  let denied = false;
  for (const item of rules.destinations ?? []) {
    const name = item.name ?? '';
    const server = item.server ?? '';
    const namespace = item.namespace ?? '';
    const nameMatched = Boolean(dest.name) && globMatch(name, dest.name!, { negation: true });
    const serverMatched = Boolean(dest.server) && globMatch(server, dest.server!, { negation: true });
    const namespaceMatched = globMatch(namespace, dest.namespace, { negation: true });
    if ((nameMatched || serverMatched) && namespaceMatched) matched = true;
    else if ((!nameMatched && isDenyPattern(name)) || (!serverMatched && isDenyPattern(server)) || (!namespaceMatched && isDenyPattern(namespace))) denied = true;
  }
  return matched && !denied;
}

/** Whether an application in `namespace` may use the project (the control plane's namespace always may). */
export function isAppNamespacePermitted(rules: ProjectRules, namespace: string | undefined, controlNamespace = 'argocd'): boolean {
  if (!namespace || namespace === controlNamespace) return true;
  return matchesAny(rules.sourceNamespaces ?? [], namespace);
}

interface ResourceEntry { group: string; kind: string; name?: string }

/** filepath.Match on group and kind, and on name when the entry has one. */
function inList(list: readonly ResourceEntry[], group: string, kind: string, name: string): boolean {
  return list.some((e) => globMatch(e.kind, kind) && globMatch(e.group, group) && (e.name === undefined || e.name === '' || globMatch(e.name, name)));
}

/** Which list refuses a kind, or undefined when the project permits it (Argo CD's IsGroupKindPermitted). */
export function groupKindRefusal(rules: ProjectRules, group: string, kind: string, namespaced: boolean, name = ''): Violation['rule'] | undefined {
  if (namespaced) {
    const white = rules.namespaceResourceWhitelist;
    // No whitelist permits every namespaced kind; an empty one permits none.
    if (white !== undefined && !inList(white, group, kind, name)) return 'namespaceResourceWhitelist';
    if (inList(rules.namespaceResourceBlacklist ?? [], group, kind, name)) return 'namespaceResourceBlacklist';
    return undefined;
  }
  // Cluster-scoped kinds are refused unless whitelisted.
  if (!inList(rules.clusterResourceWhitelist ?? [], group, kind, name)) return 'clusterResourceWhitelist';
  if (inList(rules.clusterResourceBlacklist ?? [], group, kind, name)) return 'clusterResourceBlacklist';
  return undefined;
}

/** What an application write says, as the permits need it. */
export interface ApplicationFacts {
  /** metadata.namespace, when the manifest gives one. */
  namespace?: string;
  /** Each source's repoURL with its field path (`spec.source.repoURL`, `spec.sources[1].repoURL`). */
  sources: { path: string; repoURL: string }[];
  /** The destination resolved to a cluster name and server; `field` is what the spec wrote (for the path). */
  destination: PermitDestination & { field: string };
}

const describeCluster = (d: PermitDestination) => [d.name ? `name '${d.name}'` : '', d.server ? `server '${d.server}'` : ''].filter(Boolean).join(' / ') || 'no cluster';
const describeDest = (d: PermitDestination) => `${describeCluster(d)}, namespace '${d.namespace}'`;

/** The rules an application breaks, each naming the project field (empty: permitted). */
export function applicationViolations(project: ProjectLike, app: ApplicationFacts): Violation[] {
  const violations: Violation[] = [];
  const { spec } = project;
  if (!isAppNamespacePermitted(spec, app.namespace)) {
    violations.push({ rule: 'sourceNamespaces', path: 'metadata.namespace', message: `application namespace '${app.namespace}' is not permitted by project '${project.name}' (spec.sourceNamespaces: ${JSON.stringify(spec.sourceNamespaces ?? [])})` });
  }
  for (const source of app.sources) {
    if (!isSourcePermitted(spec, source.repoURL)) {
      violations.push({ rule: 'sourceRepos', path: source.path, message: `repository '${source.repoURL}' is not permitted by project '${project.name}' (spec.sourceRepos: ${JSON.stringify(spec.sourceRepos ?? [])})` });
    }
  }
  if (!isDestinationPermitted(spec, app.destination)) {
    violations.push({ rule: 'destinations', path: app.destination.field, message: `destination ${describeDest(app.destination)} is not permitted by project '${project.name}' (spec.destinations: ${JSON.stringify(spec.destinations ?? [])})` });
  }
  return violations;
}

/** Built-in Kubernetes kinds that are cluster-scoped, as `group/Kind` (the core group is ''). */
const CLUSTER_SCOPED = new Set([
  '/Namespace', '/Node', '/PersistentVolume', '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService',
  'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode', 'storage.k8s.io/VolumeAttachment', 'storage.k8s.io/VolumeAttributesClass',
  'scheduling.k8s.io/PriorityClass', 'node.k8s.io/RuntimeClass', 'networking.k8s.io/IngressClass', 'networking.k8s.io/IPAddress', 'networking.k8s.io/ServiceCIDR',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy', 'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'certificates.k8s.io/CertificateSigningRequest', 'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema', 'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'resource.k8s.io/DeviceClass', 'resource.k8s.io/ResourceSlice',
]);

/** Whether a kind is cluster-scoped: the caller's answer (the agent's discovery), a CRD of the bundle, or the built-in list. */
export type ScopeOf = (group: string, kind: string) => 'Cluster' | 'Namespaced' | undefined;

interface ManifestLike { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown }; spec?: { group?: unknown; names?: { kind?: unknown }; scope?: unknown } }

/**
 * The rules a rendered bundle breaks, each naming the object and the project field: kinds the
 * resource lists refuse, and namespaced objects outside the project's destinations. An object
 * with no namespace is namespaced in the destination's, unless its kind is cluster-scoped.
 */
export function bundleViolations(project: ProjectLike, manifests: readonly object[], destination: PermitDestination, scopeOf?: ScopeOf): Violation[] {
  const crdScopes = new Map<string, string>();
  for (const m of manifests as ManifestLike[]) {
    if (m.kind === 'CustomResourceDefinition' && typeof m.spec?.group === 'string' && typeof m.spec.names?.kind === 'string') {
      crdScopes.set(`${m.spec.group}/${m.spec.names.kind}`, String(m.spec.scope));
    }
  }
  const violations: Violation[] = [];
  for (const m of manifests as ManifestLike[]) {
    if (typeof m.kind !== 'string' || typeof m.apiVersion !== 'string') continue;
    const group = m.apiVersion.includes('/') ? m.apiVersion.slice(0, m.apiVersion.indexOf('/')) : '';
    const name = typeof m.metadata?.name === 'string' ? m.metadata.name : '';
    const key = `${group}/${m.kind}`;
    const scope = scopeOf?.(group, m.kind) ?? (crdScopes.has(key) ? crdScopes.get(key) : CLUSTER_SCOPED.has(key) ? 'Cluster' : 'Namespaced');
    const namespaced = scope !== 'Cluster';
    const namespace = namespaced ? (typeof m.metadata?.namespace === 'string' && m.metadata.namespace !== '' ? m.metadata.namespace : destination.namespace) : '';
    const ref = `${group ? `${group}/` : ''}${m.kind}/${namespace ? `${namespace}/` : ''}${name}`;
    const refusal = groupKindRefusal(project.spec, group, m.kind, namespaced, name);
    if (refusal !== undefined) {
      const how = refusal.endsWith('Whitelist') ? 'is not in' : 'is in';
      violations.push({ rule: refusal, path: ref, message: `${ref}: ${namespaced ? 'namespaced' : 'cluster-scoped'} kind ${group || 'core'}/${m.kind} ${how} project '${project.name}''s spec.${refusal}` });
      continue;
    }
    if (namespaced && !isDestinationPermitted(project.spec, { ...destination, namespace })) {
      violations.push({ rule: 'destinations', path: ref, message: `${ref}: namespace '${namespace}' on cluster ${describeCluster(destination)} is not permitted by project '${project.name}''s spec.destinations` });
    }
  }
  return violations;
}
