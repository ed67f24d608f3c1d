// Which fields drifted, and who wrote them: the pure half of self-heal's fight detection (issue 15 point 7).
//
// `driftedFields(desired, live)` walks what we apply (the server-side dry-run result, or the manifest) and names
// each field whose live value differs, in a path notation that maps one-to-one onto managedFields' fieldsV1:
// `spec.replicas` is `f:spec` / `f:replicas`; `containers[name=web]` is the list item `k:{"name":"web"}`;
// `ports[containerPort=80,protocol=TCP]` is `k:{"containerPort":80,"protocol":"TCP"}`; a field name that is no
// plain identifier is quoted (`metadata.labels["app.kubernetes.io/name"]`). Only fields we set count: what live
// adds on its own (defaults, another manager's list items, status, server metadata) is not drift, as with
// server-side apply. A list is matched by its item keys: first the keys the objects' managedFields use for that
// list (so CRDs with x-kubernetes-list-map-keys work), then Kubernetes' well-known merge keys, then `name` when
// every item has one; a set (`v:` items) drifts only when one of our items is missing; any other list is atomic
// and is reported whole.
//
// `writersOf(live, paths, ourManager)` reads live.metadata.managedFields and returns, per path, each manager other
// than ours whose fieldsV1 set owns it: the field itself, or an ancestor owned whole (an atomic struct or list,
// written `{}`). The live object must carry its managedFields (an informer that strips them cannot answer this).
import type { KubeObject } from './objects.ts';
import { asRecord, jsonEqual } from './json-values.ts';

/** One step of a field path: a field of a map, or the item of a keyed list whose key fields have these values. */
export type PathStep = { field: string } | { key: Record<string, string | number | boolean> };

/** A manager that owns a drifted field in live's managedFields: Apply or Update, when, and through which subresource. */
export type FieldWriter = { path: string; manager: string; operation: string; time?: string; subresource?: string };

type Json = Record<string, unknown>;
type KeyValue = string | number | boolean;

const SERVER_METADATA = new Set(['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds']);
const SERVER_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision']);
/** Kubernetes' merge keys for well-known lists (by field name), tried in order; the first whose lead field every item has wins. */
const WELL_KNOWN_KEYS: Record<string, string[][]> = {
  containers: [['name']], initContainers: [['name']], ephemeralContainers: [['name']], env: [['name']], volumes: [['name']],
  imagePullSecrets: [['name']], resourceClaims: [['name']], volumeMounts: [['mountPath']], volumeDevices: [['devicePath']],
  ports: [['containerPort', 'protocol'], ['port', 'protocol']], hostAliases: [['ip']], conditions: [['type']],
  topologySpreadConstraints: [['topologyKey', 'whenUnsatisfiable']],
};
/** Well-known lists of scalars that Kubernetes merges as sets (`v:` items). */
const WELL_KNOWN_SETS = new Set(['finalizers']);
/** Key fields the API server defaults, so a manifest that omits them still names the same item. */
const KEY_DEFAULTS: Record<string, KeyValue> = { protocol: 'TCP' };
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const BARE_STRING = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;


/** Renders a key value: numbers and booleans bare, plain words bare, anything else JSON-quoted. */
function formatValue(value: KeyValue): string {
  if (typeof value !== 'string') return String(value);
  return BARE_STRING.test(value) && value !== 'true' && value !== 'false' && value !== 'null' ? value : JSON.stringify(value);
}

/** Renders a path: `spec.template.spec.containers[name=web].image`, `metadata.labels["app.kubernetes.io/name"]`. */
export function formatFieldPath(steps: readonly PathStep[]): string {
  let out = '';
  for (const step of steps) {
    if ('field' in step) out += IDENTIFIER.test(step.field) ? `${out ? '.' : ''}${step.field}` : `[${JSON.stringify(step.field)}]`;
    else out += `[${Object.entries(step.key).map(([name, value]) => `${name}=${formatValue(value)}`).join(',')}]`;
  }
  return out;
}

/** Reads a JSON string starting at text[start] (a quote); returns it and the index after it, or undefined. */
function readQuoted(text: string, start: number): [string, number] | undefined {
  let end = start + 1;
  while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
  if (end >= text.length) return undefined;
  try {
    return [JSON.parse(text.slice(start, end + 1)) as string, end + 1];
  } catch {
    return undefined;
  }
}

/** Reads a bare key value up to `,` or `]`: a number, a boolean, or a word. */
function bareValue(token: string): KeyValue {
  if (/^-?\d+(\.\d+)?$/.test(token)) return Number(token);
  return token === 'true' ? true : token === 'false' ? false : token;
}

/** Parses the notation formatFieldPath writes; undefined when the text is not a path. */
export function parseFieldPath(text: string): PathStep[] | undefined {
  const steps: PathStep[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '[' && text[i + 1] === '"') {
      const quoted = readQuoted(text, i + 1);
      if (!quoted || text[quoted[1]] !== ']') return undefined;
      steps.push({ field: quoted[0] });
      i = quoted[1] + 1;
    } else if (text[i] === '[') {
      const key: Record<string, KeyValue> = {};
      i++;
      for (;;) {
        const eq = text.indexOf('=', i);
        const name = eq < 0 ? '' : text.slice(i, eq);
        if (!IDENTIFIER.test(name)) return undefined;
        i = eq + 1;
        if (text[i] === '"') {
          const quoted = readQuoted(text, i);
          if (!quoted) return undefined;
          [key[name], i] = quoted;
        } else {
          const end = text.slice(i).search(/[,\]]/);
          if (end <= 0) return undefined;
          key[name] = bareValue(text.slice(i, i + end));
          i += end;
        }
        if (text[i] === ']') break;
        if (text[i] !== ',') return undefined;
        i++;
      }
      steps.push({ key });
      i++;
    } else {
      if (steps.length > 0 && text[i++] !== '.') return undefined;
      const match = /^[A-Za-z_$][A-Za-z0-9_$-]*/.exec(text.slice(i));
      if (!match) return undefined;
      steps.push({ field: match[0] });
      i += match[0].length;
    }
  }
  return steps.length > 0 ? steps : undefined;
}

/** Whether a fieldsV1 `k:{...}` member names the item with this key (same fields, same values, any order). */
function keyMatches(member: string, key: Record<string, KeyValue>): boolean {
  if (!member.startsWith('k:')) return false;
  let parsed: Json | undefined;
  try {
    parsed = asRecord(JSON.parse(member.slice(2)));
  } catch {
    return false;
  }
  if (!parsed) return false;
  const names = Object.keys(key);
  return Object.keys(parsed).length === names.length && names.every((name) => parsed[name] === key[name]);
}

/** The fieldsV1 child a step leads to, or undefined. */
function childNode(node: Json, step: PathStep): Json | undefined {
  if ('field' in step) return asRecord(node[`f:${step.field}`]);
  const member = Object.keys(node).find((m) => keyMatches(m, step.key));
  return member === undefined ? undefined : asRecord(node[member]);
}

/** Whether a fieldsV1 set owns the path: it reaches the path's node, or an ancestor owned whole (`{}`). */
function owns(root: Json, steps: readonly PathStep[]): boolean {
  let node = root;
  for (const [index, step] of steps.entries()) {
    if (index > 0 && Object.keys(node).length === 0) return true;
    const child = childNode(node, step);
    if (!child) return false;
    node = child;
  }
  return true;
}

/** The fieldsV1 roots of an object's managedFields entries (malformed entries skipped). */
function fieldSets(obj: KubeObject): Json[] {
  const entries = Array.isArray(obj.metadata.managedFields) ? obj.metadata.managedFields : [];
  return entries.map((entry) => asRecord(asRecord(entry)?.['fieldsV1'])).filter((set): set is Json => set !== undefined);
}

/** The key fields of a list: from a `k:` member in managedFields, else the well-known table, else `name`; undefined: not keyed. */
function listKeys(field: string | undefined, nodes: readonly Json[], items: readonly unknown[]): string[] | undefined {
  for (const node of nodes) {
    for (const member of Object.keys(node)) {
      if (!member.startsWith('k:')) continue;
      try {
        const parsed = asRecord(JSON.parse(member.slice(2)));
        if (parsed && Object.keys(parsed).length > 0) return Object.keys(parsed);
      } catch {
        // A malformed member names no keys; try the next one.
      }
    }
  }
  const records = items.map(asRecord);
  if (records.length === 0 || records.some((r) => r === undefined)) return undefined;
  const candidates = [...(field ? WELL_KNOWN_KEYS[field] ?? [] : []), ['name']];
  return candidates.find(([lead]) => lead !== undefined && records.every((r) => typeof r?.[lead] === 'string' || typeof r?.[lead] === 'number'));
}

/** The key of a list item (fields sorted by name, as the API server writes `k:`), with the server's defaults for absent key fields; undefined when it cannot be keyed. */
function itemKey(item: unknown, fields: readonly string[]): Record<string, KeyValue> | undefined {
  const record = asRecord(item);
  if (!record) return undefined;
  const key: Record<string, KeyValue> = {};
  for (const field of [...fields].sort()) {
    const value = record[field] ?? KEY_DEFAULTS[field];
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
    key[field] = value;
  }
  return key;
}

/** Whether a field at this path is the server's, never ours: status, server metadata, server-written annotations. */
function isServerField(path: readonly PathStep[], field: string): boolean {
  const names = path.map((step) => 'field' in step ? step.field : undefined);
  if (names.length === 0) return field === 'status';
  if (names.length === 1 && names[0] === 'metadata') return SERVER_METADATA.has(field);
  return names.length === 2 && names[0] === 'metadata' && names[1] === 'annotations' && SERVER_ANNOTATIONS.has(field);
}

/** Collects the paths under which live differs from desired (desired's fields only). */
function walk(desired: unknown, live: unknown, path: PathStep[], nodes: Json[], out: PathStep[][]): void {
  if (jsonEqual(desired, live)) return;
  const d = asRecord(desired);
  if (d) {
    const l = asRecord(live);
    if (!l) {
      out.push(path);
      return;
    }
    for (const field of Object.keys(d).sort()) {
      if (isServerField(path, field)) continue;
      const step = { field };
      walk(d[field], l[field], [...path, step], nodes.map((n) => childNode(n, step)).filter((n) => n !== undefined), out);
    }
    return;
  }
  if (!Array.isArray(desired) || !Array.isArray(live)) {
    out.push(path);
    return;
  }
  const last = path.at(-1);
  const field = last && 'field' in last ? last.field : undefined;
  if ((field !== undefined && WELL_KNOWN_SETS.has(field)) || nodes.some((node) => Object.keys(node).some((member) => member.startsWith('v:')))) {
    // A set: our items must be there; order and other managers' items are not drift.
    if (desired.some((item) => !live.some((other) => jsonEqual(item, other)))) out.push(path);
    return;
  }
  const keys = listKeys(field, nodes, [...desired, ...live]);
  const desiredKeys = keys ? desired.map((item) => itemKey(item, keys)) : [];
  if (!keys || desiredKeys.some((key) => key === undefined)) {
    out.push(path);
    return;
  }
  desired.forEach((item, index) => {
    const step = { key: desiredKeys[index]! };
    const match = live.find((other) => jsonEqual(itemKey(other, keys), step.key));
    if (match === undefined) out.push([...path, step]);
    else walk(item, match, [...path, step], nodes.map((n) => childNode(n, step)).filter((n) => n !== undefined), out);
  });
}

/** The paths of the fields we apply whose live value differs, in managedFields-friendly notation, sorted by field name. */
export function driftedFields(desired: KubeObject, live: KubeObject): string[] {
  const out: PathStep[][] = [];
  walk(desired, live, [], [...fieldSets(live), ...fieldSets(desired)], out);
  return out.filter((path) => path.length > 0).map(formatFieldPath);
}

/** Per path, each manager other than ours that owns it in live's managedFields, newest write first; unowned paths yield none. */
export function writersOf(live: KubeObject, paths: readonly string[], ourManager: string): FieldWriter[] {
  const entries = (Array.isArray(live.metadata.managedFields) ? live.metadata.managedFields : []).map(asRecord)
    .filter((entry): entry is Json => entry !== undefined && typeof entry['manager'] === 'string' && entry['manager'] !== ourManager
      && asRecord(entry['fieldsV1']) !== undefined && (entry['fieldsType'] ?? 'FieldsV1') === 'FieldsV1');
  const writers: FieldWriter[] = [];
  for (const path of paths) {
    const steps = parseFieldPath(path);
    if (!steps) continue;
    const found = new Map<string, FieldWriter>();
    for (const entry of entries) {
      if (!owns(asRecord(entry['fieldsV1'])!, steps)) continue;
      const writer: FieldWriter = { path, manager: entry['manager'] as string, operation: typeof entry['operation'] === 'string' ? entry['operation'] : 'Unknown' };
      if (typeof entry['time'] === 'string') writer.time = entry['time'];
      if (typeof entry['subresource'] === 'string' && entry['subresource']) writer.subresource = entry['subresource'];
      const id = `${writer.manager}\n${writer.operation}\n${writer.subresource ?? ''}`;
      const seen = found.get(id);
      if (!seen || (writer.time ?? '') > (seen.time ?? '')) found.set(id, writer);
    }
    writers.push(...[...found.values()].sort((a, b) => (b.time ?? '').localeCompare(a.time ?? '') || a.manager.localeCompare(b.manager)));
  }
  return writers;
}
