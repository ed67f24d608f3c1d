// Turns TypeBox schema errors into user-facing field errors: JSON pointers become dotted paths with
// indexes (`spec.sources[1].path`), messages are rewritten in plain words ("unknown field", "expected
// a boolean, got string"), duplicates are dropped and the deepest (most specific) errors come first.
import type { TSchema } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';

/** One problem found in a manifest; path is dotted (`spec.source.repoURL`), '' for the whole document. */
export type FieldError = {
  path: string;
  message: string;
  /** 1-based line of a YAML/JSON syntax error. */
  line?: number;
  /** 1-based column of a YAML/JSON syntax error. */
  column?: number;
};

/** The most errors one validation reports. */
export const MAX_ERRORS = 20;

const plainKey = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Appends one key or index to a dotted path. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (plainKey.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/** Converts a JSON pointer into a dotted path, using the value to tell array indexes from keys. */
export function pointerToPath(pointer: string, root: unknown): string {
  if (pointer === '') return '';
  let path = '';
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^\d+$/.test(key)) {
      path = joinPath(path, Number(key));
      current = current[Number(key)];
    } else {
      path = joinPath(path, key);
      current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

/** Names the JSON type of a value for messages ("string", "list", "object", "null", ...). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}

/** Describes what a schema expects, for type mismatch messages. */
function describeSchema(schema: TSchema): string {
  if (Array.isArray(schema.anyOf)) {
    const parts = (schema.anyOf as TSchema[]).map(describeSchema);
    return parts.join(' or ');
  }
  if ('const' in schema) return JSON.stringify(schema.const);
  switch (schema.type) {
    case 'string': return 'a string';
    case 'boolean': return 'a boolean (true or false)';
    case 'integer': return 'an integer';
    case 'number': return 'a number';
    case 'array': return 'a list';
    case 'object': return 'an object';
    default: return 'a different value';
  }
}

/** Edit distance counting an adjacent transposition as one edit, for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? Infinity;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(x.length, y.length);
}

/** The known field closest to an unknown one, if it is close enough to be a likely typo. */
function suggestField(unknown: string, schema: TSchema): string | undefined {
  const known = Object.keys((schema.properties ?? {}) as Record<string, unknown>);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(unknown, candidate);
    if (distance < bestDistance) { best = candidate; bestDistance = distance; }
  }
  return best !== undefined && bestDistance <= (unknown.length <= 4 ? 1 : 2) ? best : undefined;
}

/** Rewrites one TypeBox error as a plain-words message. */
function messageFor(error: ValueError, key: string): string {
  const { schema, value } = error;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'required field is missing';
    case ValueErrorType.ObjectAdditionalProperties: {
      const hint = suggestField(key, schema);
      return `unknown field "${key}"${hint !== undefined ? ` (did you mean "${hint}"?)` : ''}`;
    }
    case ValueErrorType.StringMinLength:
      return schema.minLength === 1 ? 'must not be empty' : `must be at least ${String(schema.minLength)} characters`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${String(schema.maxLength)} characters`;
    case ValueErrorType.StringPattern:
      return `must match ${String(schema.pattern)}`;
    case ValueErrorType.Union:
    case ValueErrorType.Literal:
      if (Array.isArray(schema.anyOf) && (schema.anyOf as TSchema[]).every((s) => 'const' in s)) {
        return `must be one of ${describeSchema(schema).split(' or ').join(', ')}, got ${JSON.stringify(value)}`;
      }
      return `expected ${describeSchema(schema)}, got ${describeValue(value)}`;
    case ValueErrorType.String:
    case ValueErrorType.Boolean:
    case ValueErrorType.Integer:
    case ValueErrorType.Number:
    case ValueErrorType.Array:
    case ValueErrorType.Object:
      if (error.type === ValueErrorType.Integer && typeof value === 'number') return `expected an integer, got ${value}`;
      return `expected ${describeSchema(schema)}, got ${describeValue(value)}`;
    default:
      return error.message;
  }
}

/** Runs a compiled schema over a value and returns its errors as FieldErrors (unsorted, deduplicated by path). */
export function schemaErrors<T extends TSchema>(check: TypeCheck<T>, value: unknown): FieldError[] {
  if (check.Check(value)) return [];
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of check.Errors(value)) {
    const path = pointerToPath(error.path, value);
    if (seen.has(path)) continue;
    seen.add(path);
    const segments = error.path.split('/');
    const key = (segments[segments.length - 1] ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
    out.push({ path, message: messageFor(error, key) });
    if (out.length >= MAX_ERRORS * 5) break;
  }
  return out;
}

/** Depth of a dotted path (number of keys and indexes). */
function depth(path: string): number {
  return path.match(/\["(?:[^"\\]|\\.)*"\]|\[\d+\]|[^.[\]]+/g)?.length ?? 0;
}

/** Orders errors most specific (deepest path) first, drops exact duplicates and caps the count. */
export function finishErrors(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  const unique = errors.filter((e) => {
    const id = `${e.path}\u0000${e.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const ordered = unique.map((e, i) => ({ e, i })).sort((a, b) => depth(b.e.path) - depth(a.e.path) || a.i - b.i);
  return ordered.slice(0, MAX_ERRORS).map(({ e }) => e);
}
