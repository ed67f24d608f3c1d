// Validate=false under server-side apply (pure). A server-side apply refuses a field its schema
// does not declare ("failed to create typed patch object (…): .spec: field not declared in
// schema") even with fieldValidation=Ignore, where an update would drop the field quietly. To
// give Validate=false the meaning it has for kubectl (`--validate=false`: the server keeps what
// it knows), the fields the error names are removed from the object and the apply is sent again.
import type { KubeObject } from './objects.ts';

/** One step of a structured-merge-diff path: a field, or a list item by index or by key fields. */
export type PathStep = { field: string } | { index: number } | { keys: Record<string, unknown> };

const NOT_DECLARED = /(\.[^\s:]+): field not declared in schema/g;

/** Parses `.spec.containers[name="app"].foo` into steps; undefined when it is not of that form. */
export function parseFieldPath(text: string): PathStep[] | undefined {
  const steps: PathStep[] = [];
  let rest = text;
  while (rest.length) {
    const field = /^\.([^.[\]]+)/.exec(rest);
    if (field) {
      steps.push({ field: field[1]! });
      rest = rest.slice(field[0].length);
      continue;
    }
    const index = /^\[(\d+)\]/.exec(rest);
    if (index) {
      steps.push({ index: Number(index[1]) });
      rest = rest.slice(index[0].length);
      continue;
    }
    const keyed = /^\[((?:[A-Za-z0-9_]+=(?:"(?:[^"\\]|\\.)*"|-?\d+|true|false),?)+)\]/.exec(rest);
    if (!keyed) return undefined;
    const keys: Record<string, unknown> = {};
    for (const pair of keyed[1]!.matchAll(/([A-Za-z0-9_]+)=("(?:[^"\\]|\\.)*"|-?\d+|true|false)/g)) keys[pair[1]!] = JSON.parse(pair[2]!);
    steps.push({ keys });
    rest = rest.slice(keyed[0].length);
  }
  return steps.length ? steps : undefined;
}

/** The paths an apply error names as not declared in the schema; undefined when it names none (or one that cannot be read). */
export function unknownFieldPaths(message: string): PathStep[][] | undefined {
  const paths = [...message.matchAll(NOT_DECLARED)].map((m) => parseFieldPath(m[1]!));
  if (!paths.length || paths.some((p) => p === undefined)) return undefined;
  return paths as PathStep[][];
}

/** A copy of obj without the given paths; undefined when none of them is there (nothing to drop: the error stands). */
export function withoutFields(obj: KubeObject, paths: readonly PathStep[][]): KubeObject | undefined {
  const copy = structuredClone(obj);
  let removed = false;
  for (const path of paths) {
    let node: unknown = copy;
    for (const step of path.slice(0, -1)) node = child(node, step);
    const last = path.at(-1)!;
    if (node === null || typeof node !== 'object') continue;
    if ('field' in last && !Array.isArray(node) && last.field in node) {
      delete (node as Record<string, unknown>)[last.field];
      removed = true;
    } else if (Array.isArray(node) && !('field' in last)) {
      const at = 'index' in last ? last.index : node.findIndex((item) => matches(item, last.keys));
      if (at >= 0 && at < node.length) {
        node.splice(at, 1);
        removed = true;
      }
    }
  }
  return removed ? copy : undefined;
}

function child(node: unknown, step: PathStep): unknown {
  if (node === null || typeof node !== 'object') return undefined;
  if ('field' in step) return Array.isArray(node) ? undefined : (node as Record<string, unknown>)[step.field];
  if (!Array.isArray(node)) return undefined;
  return 'index' in step ? node[step.index] : node.find((item) => matches(item, step.keys));
}

function matches(item: unknown, keys: Record<string, unknown>): boolean {
  return item !== null && typeof item === 'object' && Object.entries(keys).every(([k, v]) => (item as Record<string, unknown>)[k] === v);
}
