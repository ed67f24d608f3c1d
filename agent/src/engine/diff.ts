// Live vs desired comparison, as Argo CD's diff with its default normalizations: drops server-owned metadata and
// status, applies ignoreDifferences (JSON pointers, jq paths, managedFields managers), masks Secret values.
// @ts-expect-error -- @michaelhomer/jqjs (pure-JS jq) ships no type declarations; JqModule below types what is used.
import jqModule from '@michaelhomer/jqjs';
import type { KubeObject } from './objects.ts';
import { asRecord, jsonEqual } from './json-values.ts';
import { COMPARE_OPTIONS_ANNOTATION, parseCompareOptions } from './sync-options.ts';

/** An Argo CD ignoreDifferences entry; group and kind may be globs ("*" matches all), group absent is core. */
export type IgnoreRule = {
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  jqPathExpressions?: string[];
  managedFieldsManagers?: string[];
};

/** A comparison: status, a readable diff of the differing paths, the normalized sides, and non-fatal rule problems. */
export type DiffResult = {
  status: 'Synced' | 'OutOfSync';
  diff: string;
  normalizedLive?: KubeObject;
  normalizedTarget?: KubeObject;
  warnings?: string[];
};

/** A malformed ignoreDifferences rule (bad JSON pointer, jq syntax error): the app's rules need fixing. */
export class IgnoreRuleError extends Error {
  override name = 'IgnoreRuleError';
}

type JqFilter = (input: unknown) => Iterable<unknown>;
type JqModule = { compile(program: string): JqFilter };
type Path = (string | number)[];
type Json = Record<string, unknown>;

const jq = jqModule as JqModule;
const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];
const SERVER_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision'];
const MAX_JQ_PATHS = 10_000;
const jqCache = new Map<string, JqFilter>();


/** Matches Argo CD's glob for group and kind: "*" stands for any run of characters. */
function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`).test(value);
}

/** Whether a rule applies to an object (group/kind by glob, name and namespace exact when given). */
export function ruleMatches(rule: IgnoreRule, obj: KubeObject): boolean {
  const slash = obj.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : obj.apiVersion.slice(0, slash);
  return globMatch(rule.group ?? '', group) && globMatch(rule.kind, obj.kind)
    && (!rule.name || rule.name === obj.metadata.name) && (!rule.namespace || rule.namespace === (obj.metadata.namespace ?? ''));
}

/** Parses an RFC 6901 JSON pointer into its tokens. */
function parsePointer(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new IgnoreRuleError(`jsonPointers: ${JSON.stringify(pointer)} must start with "/"`);
  return pointer.slice(1).split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Compiles `path(expr)` once per expression; syntax errors name the expression, not the wrapper. */
function compileJq(expr: string): JqFilter {
  const cached = jqCache.get(expr);
  if (cached) return cached;
  try {
    jq.compile(expr);
  } catch (err) {
    throw new IgnoreRuleError(`jqPathExpressions: cannot parse ${JSON.stringify(expr)}: ${String(err)}`);
  }
  const filter = jq.compile(`path(${expr}\n)`);
  if (jqCache.size >= 256) jqCache.clear();
  jqCache.set(expr, filter);
  return filter;
}

/** Checks rules without an object: returns one message per malformed JSON pointer or jq expression. */
export function validateIgnoreRules(rules: readonly IgnoreRule[]): string[] {
  const problems: string[] = [];
  for (const rule of rules) {
    for (const check of [...(rule.jsonPointers ?? []).map((p) => () => parsePointer(p)), ...(rule.jqPathExpressions ?? []).map((e) => () => compileJq(e))]) {
      try {
        check();
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
      }
    }
  }
  return problems;
}

/** The paths a jq expression selects in obj; evaluation failures become warnings, as Argo CD only logs them. */
function jqPaths(expr: string, obj: unknown, warnings: string[]): Path[] {
  const paths: Path[] = [];
  try {
    for (const path of compileJq(expr)(obj)) {
      if (!Array.isArray(path) || !path.every((p) => typeof p === 'string' || Number.isInteger(p))) {
        warnings.push(`jq ${JSON.stringify(expr)}: selects ${JSON.stringify(path)}, which is not a removable path (slices are not supported)`);
        return [];
      }
      if (path.length === 0) {
        warnings.push(`jq ${JSON.stringify(expr)}: selects the whole object; ignored`);
        return [];
      }
      if (paths.push(path as Path) >= MAX_JQ_PATHS) {
        warnings.push(`jq ${JSON.stringify(expr)}: stopped after ${MAX_JQ_PATHS} paths`);
        break;
      }
    }
  } catch (err) {
    if (err instanceof IgnoreRuleError) throw err;
    // jqjs raises this TypeError where jq says "Cannot iterate over null": the field is absent, nothing to remove.
    if (!(err instanceof TypeError && /undefined or null/.test(err.message))) warnings.push(`jq ${JSON.stringify(expr)}: ${String(err)}`);
    return [];
  }
  return paths;
}

/** Removes paths from root at once (as jq's delpaths): array indices are resolved first, then removed highest first. */
function removePaths(root: unknown, paths: Path[]): void {
  const removals = new Map<object, Set<string | number>>();
  for (const path of paths) {
    let node: unknown = root;
    for (const step of path.slice(0, -1)) node = Array.isArray(node) ? node[Number(step)] : asRecord(node)?.[String(step)];
    const last = path.at(-1);
    if (last === undefined || node === null || typeof node !== 'object') continue;
    let key: string | number = last;
    if (Array.isArray(node)) {
      if (!/^-?\d+$/.test(String(last))) continue;
      key = Number(last) < 0 ? node.length + Number(last) : Number(last);
      if (key < 0 || key >= node.length) continue;
    }
    const set = removals.get(node) ?? new Set();
    removals.set(node, set.add(key));
  }
  for (const [node, keys] of removals) {
    if (Array.isArray(node)) for (const index of [...keys].map(Number).sort((a, b) => b - a)) node.splice(index, 1);
    else for (const key of keys) delete (node as Json)[String(key)];
  }
}

/** Drops what the server owns and Git never sets: status, server metadata, and server-written annotations. */
function stripServerFields(obj: KubeObject): void {
  delete obj['status'];
  for (const field of SERVER_METADATA) delete obj.metadata[field];
  const annotations = obj.metadata.annotations;
  if (annotations) {
    for (const key of SERVER_ANNOTATIONS) delete annotations[key];
    if (Object.keys(annotations).length === 0) delete obj.metadata.annotations;
  }
}

/** A normalized deep copy: server fields dropped, matching rules' pointers and jq paths removed; warnings collected. */
export function normalize(obj: KubeObject, rules: readonly IgnoreRule[], warnings: string[] = []): KubeObject {
  const copy = structuredClone(obj);
  stripServerFields(copy);
  for (const rule of rules) {
    if (!ruleMatches(rule, obj)) continue;
    for (const pointer of rule.jsonPointers ?? []) removePaths(copy, [parsePointer(pointer)]);
    for (const expr of rule.jqPathExpressions ?? []) removePaths(copy, jqPaths(expr, copy, warnings));
  }
  return copy;
}

/** Finds the index of the list item a managedFields key (k:{..}, v:.., i:n) names, or -1. */
function findItem(list: unknown[], key: string): number {
  if (key.startsWith('i:')) return Number(key.slice(2)) < list.length ? Number(key.slice(2)) : -1;
  let wanted: unknown;
  try {
    wanted = JSON.parse(key.slice(2));
  } catch {
    return -1;
  }
  if (key.startsWith('v:')) return list.findIndex((item) => jsonEqual(item, wanted));
  const fields = Object.entries(asRecord(wanted) ?? {});
  return list.findIndex((item) => fields.every(([field, value]) => jsonEqual(asRecord(item)?.[field], value)));
}

/** The target value after taking, from live, every field the fieldsV1 set owns (undefined: remove it). */
function takeOwned(live: unknown, target: unknown, set: Json): unknown {
  const keys = Object.keys(set).filter((key) => key !== '.');
  if (keys.length === 0) return structuredClone(live);
  if (keys.some((key) => key.startsWith('f:'))) {
    const liveObj = asRecord(live);
    const base: Json = { ...(asRecord(target) ?? {}) };
    for (const key of keys.filter((k) => k.startsWith('f:'))) {
      const name = key.slice(2);
      const value = takeOwned(liveObj?.[name], base[name], asRecord(set[key]) ?? {});
      if (value === undefined) delete base[name];
      else base[name] = value;
    }
    return asRecord(target) || Object.keys(base).length > 0 ? base : target;
  }
  const liveList = Array.isArray(live) ? live : [];
  const list = Array.isArray(target) ? [...target] : [];
  const gone = new Set<unknown>();
  for (const key of keys) {
    const li = findItem(liveList, key);
    const ti = findItem(list, key);
    const sub = asRecord(set[key]) ?? {};
    if (ti >= 0 && li < 0) gone.add(list[ti]);
    else if (ti >= 0) list[ti] = takeOwned(liveList[li], list[ti], sub);
    else if (li >= 0) list.splice(Math.min(li, list.length), 0, takeOwned(liveList[li], undefined, sub));
  }
  const kept = list.filter((item) => !gone.has(item));
  return Array.isArray(target) || kept.length > 0 ? kept : target;
}

/** Copies into target the fields that the given managers own in live (Argo CD's managedFieldsManagers). */
function applyManagedFields(live: KubeObject, target: KubeObject, managers: Set<string>): KubeObject {
  let result: unknown = structuredClone(target);
  const entries = Array.isArray(live.metadata['managedFields']) ? live.metadata['managedFields'] : [];
  for (const entry of entries) {
    const mf = asRecord(entry);
    const fields = asRecord(mf?.['fieldsV1']);
    if (mf && fields && typeof mf['manager'] === 'string' && managers.has(mf['manager'])) result = takeOwned(live, result, fields);
  }
  return result as KubeObject;
}

/** Masks Secret data values in place: equal values share a mask, differing ones get different masks (as Argo CD). */
function maskSecretData(objects: (KubeObject | undefined)[]): void {
  for (const field of ['data', 'stringData']) {
    const maps = objects.map((obj) => asRecord(obj?.[field]));
    const keys = new Set(maps.flatMap((map) => Object.keys(map ?? {})));
    for (const key of keys) {
      const distinct: unknown[] = [];
      for (const map of maps) {
        if (!map || !(key in map)) continue;
        let index = distinct.findIndex((value) => jsonEqual(value, map[key]));
        if (index < 0) index = distinct.push(map[key]) - 1;
        map[key] = '+'.repeat(8 + index);
      }
    }
  }
}

/** A path in jq syntax: .spec.containers[0]["app.kubernetes.io/name"]. */
function renderPath(path: Path): string {
  const text = path.map((step) => typeof step === 'number' ? `[${step}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(step) ? `.${step}` : `[${JSON.stringify(step)}]`).join('');
  return text.startsWith('.') ? text : `.${text}`;
}

type Change = { path: Path; live: unknown; target: unknown };

/** Collects the leaf-most differing paths between live and target. */
function collectChanges(live: unknown, target: unknown, path: Path, out: Change[]): void {
  if (jsonEqual(live, target)) return;
  const rl = asRecord(live);
  const rt = asRecord(target);
  if (rl && rt) {
    for (const key of [...new Set([...Object.keys(rl), ...Object.keys(rt)])].sort()) collectChanges(rl[key], rt[key], [...path, key], out);
  } else if (Array.isArray(live) && Array.isArray(target)) {
    for (let i = 0; i < Math.max(live.length, target.length); i++) collectChanges(live[i], target[i], [...path, i], out);
  } else {
    out.push({ path, live, target });
  }
}

/** Renders changes unified-style: a @@ header per path, "-" lines for live, "+" lines for desired. */
function renderDiff(changes: Change[]): string {
  if (changes.length === 0) return '';
  const lines = ['--- live', '+++ desired'];
  const side = (sign: string, value: unknown) => value === undefined || value === null ? []
    : JSON.stringify(value, null, 2).split('\n').map((line) => `${sign}${line}`);
  for (const change of changes) lines.push(`@@ ${renderPath(change.path)} @@`, ...side('-', change.live), ...side('+', change.target));
  return `${lines.join('\n')}\n`;
}

/** Compares desired (its server-side dry-run result) with live, both normalized; malformed rules throw IgnoreRuleError. */
export function diffResource(desired: KubeObject, live: KubeObject | undefined, rules: readonly IgnoreRule[]): DiffResult {
  const warnings: string[] = [];
  const matching = rules.filter((rule) => ruleMatches(rule, desired) || (live !== undefined && ruleMatches(rule, live)));
  const managers = new Set(matching.flatMap((rule) => rule.managedFieldsManagers ?? []));
  const merged = live && managers.size > 0 ? applyManagedFields(live, desired, managers) : desired;
  const normalizedTarget = normalize(merged, matching, warnings);
  const normalizedLive = live ? normalize(live, matching, warnings) : undefined;
  if (normalizedTarget.kind === 'Secret' && !normalizedTarget.apiVersion.includes('/')) maskSecretData([normalizedLive, normalizedTarget]);
  const changes: Change[] = [];
  if (normalizedLive) collectChanges(normalizedLive, normalizedTarget, [], changes);
  else changes.push({ path: [], live: undefined, target: normalizedTarget });
  return {
    status: changes.length === 0 ? 'Synced' : 'OutOfSync',
    diff: renderDiff(changes),
    normalizedTarget,
    ...(normalizedLive ? { normalizedLive } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/** Whether an extraneous live object (tracked, no longer desired) leaves the app's sync status alone (IgnoreExtraneous). */
export function ignoresExtraneous(live: KubeObject): boolean {
  return parseCompareOptions(live.metadata.annotations?.[COMPARE_OPTIONS_ANNOTATION]).options.ignoreExtraneous === true;
}
