// Content addresses: one canonical JSON encoding (sorted keys, no whitespace) and SHA-256 keys on
// it, so the hub names a bundle by its content and the agent can check that name on receipt.
import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted (by UTF-16 code unit, as RFC 8785) and no whitespace. Otherwise as JSON.stringify:
 * `toJSON` is honoured, undefined/function/symbol members are dropped (null in arrays), non-finite numbers are null;
 * a bigint or a cycle throws a TypeError.
 */
export function canonicalJson(value: unknown): string {
  // JSON.stringify with a key-sorting replacer is about twice as fast as walking the value here, and
  // gives the same text, except for objects with integer-like keys, which JavaScript always lists
  // first in ascending numeric order ("9" before "10"), not in code-unit order: those take the walk.
  try {
    return JSON.stringify(value, sortKeys) ?? 'null';
  } catch (error) {
    if (error !== INTEGER_KEYS) throw error;
    return encode(value, new Set()) ?? 'null';
  }
}

const INTEGER_KEYS = new Error('an object with integer-like keys');
const INTEGER_KEY = /^(?:0|[1-9][0-9]{0,9})$/;

/** A replacer that rebuilds each plain object with its keys sorted; throws INTEGER_KEYS where that cannot work. */
function sortKeys(this: unknown, _key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  let sorted = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (INTEGER_KEY.test(key) && Number(key) < 4294967295) throw INTEGER_KEYS;
    if (i > 0 && keys[i - 1]! > key) sorted = false;
  }
  if (sorted) return value;
  const copy: Record<string, unknown> = {};
  for (const key of keys.sort()) copy[key] = (value as Record<string, unknown>)[key];
  return copy;
}

/** `sha256:<hex>` of the canonical JSON of a value. */
export function contentKey(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex')}`;
}

/** The inputs a bundle carried before issue 14, when its key hashed them with its manifests. */
export interface LegacyBundleInputs {
  repoURL: string;
  commit: string;
  path: string;
  params: unknown;
}

/** A bundle's key: `sha256:<hex>` of the canonical JSON of its manifests alone (the commit travels on the assignment). */
export function bundleKeyOf(manifests: object[]): string {
  return contentKey(manifests);
}

/**
 * Whether a bundle's key is the content key of its manifests (what the agent checks on receipt and
 * on reading its own copy). A key from before issue 14 hashed the render inputs with the manifests;
 * such a bundle carries those `inputs` and is accepted while an assignment still names it (the key
 * still binds every manifest byte), so an upgrade needs no re-render and no re-fetch.
 */
export function isBundleKeyValid(bundle: { key: string; manifests: object[]; inputs?: LegacyBundleInputs }): boolean {
  if (!Array.isArray(bundle.manifests)) return false;
  if (bundleKeyOf(bundle.manifests) === bundle.key) return true;
  if (!bundle.inputs) return false;
  const { repoURL, commit, path, params } = bundle.inputs;
  return contentKey({ repoURL, commit, path, params, manifests: bundle.manifests }) === bundle.key;
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
