// Content addresses for rendering: one canonical JSON encoding and the SHA-256 keys built on it, so that the same
// source (repository, commit, path, parameters) and the same manifests always get the same key, whatever their key order.
import { createHash } from 'node:crypto';
import { normalizeRepoUrl } from './repo-url.ts';

/** What a render depends on: the source at one commit and its parameters (e.g. `spec.source.directory`). */
export interface RenderInput {
  repoURL: string;
  commit: string;
  path: string;
  params: unknown;
}

/** A render's input together with the manifests it produced. */
export interface BundleInput extends RenderInput {
  manifests: object[];
}

/**
 * JSON with object keys sorted (by UTF-16 code unit, as RFC 8785) and no whitespace. Otherwise as JSON.stringify:
 * `toJSON` is honoured, undefined/function/symbol members are dropped (null in arrays), non-finite numbers are null;
 * a bigint or a cycle throws a TypeError.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, new Set()) ?? 'null';
}

/** `sha256:<hex>` of the canonical JSON of a render's input (repoURL normalized) and its manifests. */
export function bundleKey(input: BundleInput): string {
  return sha256Key({
    repoURL: normalizeRepoUrl(input.repoURL), commit: input.commit, path: input.path, params: input.params, manifests: input.manifests,
  });
}

/** `sha256:<hex>` of the canonical JSON of a render's input (repoURL normalized): the cache key of a render. */
export function renderKey(input: RenderInput): string {
  return sha256Key({ repoURL: normalizeRepoUrl(input.repoURL), commit: input.commit, path: input.path, params: input.params });
}

function sha256Key(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex')}`;
}

/** Encodes one value; undefined when JSON.stringify would omit it. */
function encode(input: unknown, ancestors: Set<object>): string | undefined {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: a bigint has no JSON form');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  const obj = value as object;
  if (ancestors.has(obj)) throw new TypeError('canonicalJson: the value is cyclic');
  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) return `[${obj.map((item) => encode(item, ancestors) ?? 'null').join(',')}]`;
    const record = obj as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const encoded = encode(record[key], ancestors);
      if (encoded !== undefined) members.push(`${JSON.stringify(key)}:${encoded}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(obj);
  }
}
