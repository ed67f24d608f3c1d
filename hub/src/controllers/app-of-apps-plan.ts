// The app-of-apps plan (pure): what an application whose destination is the hub must do to the
// hub's own objects so that they match what it rendered. Argo CD's rules:
// - a child is identified by kind and name (Application or AppProject of argoproj.io); the
//   namespace is not part of it (the hub has one namespace of applications);
// - a rendered child is validated exactly as the API validates one; an invalid one is an error;
// - an object of that kind and name that another parent or the API owns is an error, never adopted;
// - a child no longer rendered is pruned when pruning is allowed (else it only makes the parent
//   OutOfSync): an Application with the `resources-finalizer.argocd.argoproj.io` finalizer is
//   deleted with cascade (its agent deletes its resources first; `/background` picks background
//   propagation), one without is deleted without cascade (its resources stay on the cluster);
// - an AppProject still used by applications (other than those pruned with it) is not pruned;
// - ApplicationSets are not implemented yet: refused with an error naming the object;
// - anything else (a ConfigMap, ...) cannot be deployed to the hub: an error.
// The I/O side (app-of-apps.ts) gathers the facts, applies the plan and resolves what needs the
// store (the project exists, the destination cluster is registered).
import { canonicalJson, validateApplication, validateAppProject, type FieldError } from '@flotilla/shared';

/** The kinds an application whose destination is the hub may own. */
export type ChildKind = 'Application' | 'AppProject';

/** The Argo CD finalizer that makes an Application's deletion delete its resources. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** The metadata the hub keeps of a child. */
export interface ChildMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

/** A child as stored: what the plan compares a rendered one with. */
export interface ExistingChild {
  kind: ChildKind;
  name: string;
  /** The parent that owns it; null when it came through the API (or is `default`). */
  owner: string | null;
  metadata: ChildMetadata;
  spec: Record<string, unknown>;
  /** A deletion is pending (its agent is deleting its resources). */
  deleting?: boolean;
}

/** A rendered child, validated and normalized as the store would keep it. */
export interface DesiredChild {
  kind: ChildKind;
  name: string;
  metadata: ChildMetadata;
  spec: Record<string, unknown>;
  /** The object as rendered (what the API's validation takes). */
  object: Record<string, unknown>;
}

/** A child to delete. */
export interface PrunedChild {
  kind: ChildKind;
  name: string;
  /** Applications: delete its resources first (the finalizer); AppProjects: always false. */
  cascade: boolean;
  propagationPolicy?: 'foreground' | 'background';
}

/** A problem with one rendered (or stored) object; it becomes a condition on the parent. */
export interface PlanError {
  /** Argo CD's condition type: SharedResourceWarning for a name owned elsewhere, else SyncError. */
  type: 'SharedResourceWarning' | 'SyncError';
  kind: string;
  name: string;
  message: string;
}

/** What the plan takes. */
export interface PlanInput {
  parent: string;
  /** The parent's rendered manifests. */
  rendered: readonly Record<string, unknown>[];
  /** Every stored child the parent owns, and every stored object a rendered one names. */
  existing: readonly ExistingChild[];
  /** For each project the parent owns: the applications that use it now. */
  projectUsers: Readonly<Record<string, readonly string[]>>;
  /** Whether children no longer rendered are deleted (sync with prune, or automated.prune). */
  prune: boolean;
}

/** The plan: creates, updates, prunes, what is left as it is, and the errors. */
export interface ChildPlan {
  create: DesiredChild[];
  update: DesiredChild[];
  unchanged: DesiredChild[];
  prune: PrunedChild[];
  /** Children no longer rendered that stay because pruning is off (Argo CD's requiresPruning). */
  requiresPruning: { kind: ChildKind; name: string }[];
  errors: PlanError[];
}

const ARGO_GROUP = 'argoproj.io';

/** Plans what the parent must do to its children (pure). */
export function planChildren(input: PlanInput): ChildPlan {
  const plan: ChildPlan = { create: [], update: [], unchanged: [], prune: [], requiresPruning: [], errors: [] };
  const existing = new Map(input.existing.map((e) => [idOf(e.kind, e.name), e]));
  const rendered = new Set<string>();
  for (const object of input.rendered) {
    const desired = desiredChild(input.parent, object, plan.errors);
    if (!desired) continue;
    const id = idOf(desired.kind, desired.name);
    if (rendered.has(id)) {
      plan.errors.push(error('SyncError', desired, `${desired.kind} "${desired.name}" appears more than once in what "${input.parent}" renders; the first is used`));
      continue;
    }
    rendered.add(id);
    classify(input.parent, desired, existing.get(id), plan);
  }
  for (const child of input.existing) {
    if (child.owner !== input.parent || rendered.has(idOf(child.kind, child.name)) || child.deleting) continue;
    if (!input.prune) plan.requiresPruning.push({ kind: child.kind, name: child.name });
    else if (child.kind === 'Application') plan.prune.push(prunedApplication(child));
  }
  if (input.prune) planProjectPrunes(input, rendered, plan);
  for (const list of [plan.create, plan.update, plan.unchanged]) list.sort(byKindThenName);
  plan.prune.sort(byPruneOrder);
  plan.requiresPruning.sort(byKindThenName);
  return plan;
}

/** Whether a plan leaves every child as rendered (the parent is Synced). */
export function isPlanSynced(plan: ChildPlan): boolean {
  return plan.create.length + plan.update.length + plan.prune.length + plan.requiresPruning.length + plan.errors.length === 0;
}

/** The child a rendered object describes, validated; undefined (and an error) when it cannot be one. */
export function desiredChild(parent: string, object: Record<string, unknown>, errors: PlanError[]): DesiredChild | undefined {
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const name = nameOf(object);
  const group = typeof object.apiVersion === 'string' && object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  if (group !== ARGO_GROUP || (kind !== 'Application' && kind !== 'AppProject')) {
    const message = group === ARGO_GROUP && kind === 'ApplicationSet'
      ? `ApplicationSet "${name}" is not supported yet: ApplicationSets are not implemented, so "${parent}" cannot create it`
      : `${kind || 'an object without kind'} "${name}" (${String(object.apiVersion ?? 'no apiVersion')}) cannot be deployed to the hub: an application whose destination is the hub may only render argoproj.io Application and AppProject objects`;
    errors.push({ type: 'SyncError', kind: kind || 'Unknown', name, message });
    return undefined;
  }
  const validated = kind === 'Application' ? validateApplication(object) : validateAppProject(object);
  if (!validated.ok) {
    errors.push({ type: 'SyncError', kind, name, message: `${kind} "${name}" is invalid: ${describeErrors(validated.errors)}` });
    return undefined;
  }
  const value = validated.value as unknown as { metadata: Record<string, unknown> & { name: string }; spec: Record<string, unknown> };
  if (kind === 'Application' && value.metadata.name === parent) {
    errors.push({ type: 'SyncError', kind, name, message: `Application "${parent}" renders itself; an application cannot own itself` });
    return undefined;
  }
  return { kind, name: value.metadata.name, metadata: childMetadata(value.metadata), spec: value.spec, object };
}

/** The metadata the hub keeps of an object: labels, annotations and finalizers (as the API keeps them). */
export function childMetadata(metadata: Record<string, unknown>): ChildMetadata {
  const { labels, annotations, finalizers } = metadata as ChildMetadata;
  return { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}), ...(finalizers ? { finalizers } : {}) };
}

/** Whether a stored child holds exactly what was rendered (key order does not matter). */
export function isSameChild(desired: Pick<DesiredChild, 'metadata' | 'spec'>, stored: Pick<ExistingChild, 'metadata' | 'spec'>): boolean {
  return canonicalJson({ m: desired.metadata, s: desired.spec }) === canonicalJson({ m: childMetadata(stored.metadata as Record<string, unknown>), s: stored.spec });
}

/** How deleting this Application prunes: with cascade when it carries the resources finalizer. */
export function prunedApplication(child: Pick<ExistingChild, 'name' | 'metadata'>): PrunedChild {
  const finalizer = (child.metadata.finalizers ?? []).find((f) => f === RESOURCES_FINALIZER || f.startsWith(`${RESOURCES_FINALIZER}/`));
  if (!finalizer) return { kind: 'Application', name: child.name, cascade: false };
  return { kind: 'Application', name: child.name, cascade: true, propagationPolicy: finalizer.endsWith('/background') ? 'background' : 'foreground' };
}

function classify(parent: string, desired: DesiredChild, stored: ExistingChild | undefined, plan: ChildPlan): void {
  if (!stored) {
    plan.create.push(desired);
  } else if (stored.owner !== parent) {
    const holder = stored.owner === null ? 'was not created by an application (the API or the hub made it)' : `belongs to application "${stored.owner}"`;
    plan.errors.push(error('SharedResourceWarning', desired, `${desired.kind} "${desired.name}" already exists and ${holder}; "${parent}" does not take it over`));
  } else if (stored.deleting) {
    plan.errors.push(error('SyncError', desired, `${desired.kind} "${desired.name}" is being deleted; it is created again once its deletion finished`));
  } else if (isSameChild(desired, stored)) {
    plan.unchanged.push(desired);
  } else {
    plan.update.push(desired);
  }
}

/** Projects the parent owns that it no longer renders, unless applications still use them. */
function planProjectPrunes(input: PlanInput, rendered: Set<string>, plan: ChildPlan): void {
  const pruned = new Set(plan.prune.map((p) => p.name));
  // Applications this plan creates or keeps still name their projects: those are in use too.
  const wanted = [...plan.create, ...plan.update, ...plan.unchanged].filter((c) => c.kind === 'Application');
  for (const child of input.existing) {
    if (child.kind !== 'AppProject' || child.owner !== input.parent || child.deleting || rendered.has(idOf(child.kind, child.name))) continue;
    const users = new Set((input.projectUsers[child.name] ?? []).filter((app) => !pruned.has(app)));
    for (const app of wanted) if ((app.spec.project ?? 'default') === child.name) users.add(app.name);
    if (users.size === 0) {
      plan.prune.push({ kind: 'AppProject', name: child.name, cascade: false });
    } else {
      plan.errors.push({ type: 'SyncError', kind: 'AppProject', name: child.name, message: `AppProject "${child.name}" is no longer rendered by "${input.parent}" but applications still use it (${[...users].sort().join(', ')}); it is not pruned` });
    }
  }
}

function nameOf(object: Record<string, unknown>): string {
  const metadata = object.metadata as { name?: unknown } | undefined;
  return typeof metadata?.name === 'string' ? metadata.name : '';
}

function describeErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('; ');
}

function error(type: PlanError['type'], child: { kind: string; name: string }, message: string): PlanError {
  return { type, kind: child.kind, name: child.name, message };
}

function idOf(kind: string, name: string): string {
  return `${kind}/${name}`;
}

const KIND_RANK: Record<ChildKind, number> = { AppProject: 0, Application: 1 };

/** Projects before applications (an application names its project), then by name. */
function byKindThenName(a: { kind: ChildKind; name: string }, b: { kind: ChildKind; name: string }): number {
  return KIND_RANK[a.kind] - KIND_RANK[b.kind] || byName(a, b);
}

/** Applications before the projects they name, then by name. */
function byPruneOrder(a: { kind: ChildKind; name: string }, b: { kind: ChildKind; name: string }): number {
  return KIND_RANK[b.kind] - KIND_RANK[a.kind] || byName(a, b);
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
