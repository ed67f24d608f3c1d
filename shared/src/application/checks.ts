// Building blocks shared by the Application and AppProject validators: safe accessors over untrusted
// values, the null-pruning copy (Kubernetes drops null fields before validation), the apiVersion/kind
// identity check and the Kubernetes name rules for metadata.
import { ARGO_API_VERSION } from './meta-schema.ts';
import { describeValue, type FieldError } from './field-errors.ts';

/** The value as a plain object, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

/** The value as an array, or an empty array. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value if it is a non-empty string, else undefined. */
export function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Fields whose content is opaque: copied verbatim, nulls and all. */
const OPAQUE_KEYS = new Set(['valuesObject', 'fieldsV1', 'status', 'operation']);

/**
 * Deep-copies a parsed manifest, dropping object fields whose value is null, as the Kubernetes API
 * server does for CRD fields that are not nullable (so `automated:` with no value means "absent").
 */
export function pruneNulls(value: unknown, key = ''): unknown {
  if (OPAQUE_KEYS.has(key)) return structuredClone(value);
  if (Array.isArray(value)) return value.map((item) => pruneNulls(item));
  const record = asRecord(value);
  if (record === undefined) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (v === null) continue;
    out[k] = pruneNulls(v, k);
  }
  return out;
}

/** Go time.ParseDuration syntax ("90s", "1h30m", "0"), as Argo CD uses for windows and backoff. */
const GO_DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;

/** True when the string parses as a Go duration. */
export function isGoDuration(text: string): boolean {
  return GO_DURATION.test(text);
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why a name is not a DNS-1123 subdomain (Kubernetes object names), or undefined when it is one. */
export function dns1123SubdomainProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (name.length > 253) return `must be at most 253 characters (got ${name.length})`;
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return `must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (got ${JSON.stringify(name)})`;
  }
  return undefined;
}

/** Why a name is not a DNS-1123 label (namespaces), or undefined when it is one. */
export function dns1123LabelProblem(name: string): string | undefined {
  if (name.length > 63) return `must be at most 63 characters (got ${name.length})`;
  if (!DNS1123_LABEL.test(name)) {
    return `must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit (got ${JSON.stringify(name)})`;
  }
  return undefined;
}

/** Checks that a value is an object with the Argo CD apiVersion and the given kind. */
export function identityErrors(obj: unknown, kind: 'Application' | 'AppProject'): FieldError[] {
  const record = asRecord(obj);
  if (record === undefined) return [{ path: '', message: `expected an ${kind} object, got ${describeValue(obj)}` }];
  const errors: FieldError[] = [];
  if (record.apiVersion === undefined || record.apiVersion === null) {
    errors.push({ path: 'apiVersion', message: `required field is missing (must be "${ARGO_API_VERSION}")` });
  } else if (record.apiVersion !== ARGO_API_VERSION) {
    errors.push({ path: 'apiVersion', message: `must be "${ARGO_API_VERSION}", got ${JSON.stringify(record.apiVersion)}` });
  }
  if (record.kind === undefined || record.kind === null) {
    errors.push({ path: 'kind', message: `required field is missing (must be "${kind}")` });
  } else if (record.kind !== kind) {
    errors.push({ path: 'kind', message: `must be "${kind}", got ${JSON.stringify(record.kind)}` });
  }
  return errors;
}

/** Checks metadata.name (DNS-1123 subdomain) and metadata.namespace (DNS-1123 label) when they are strings. */
export function metadataErrors(obj: Record<string, unknown>): FieldError[] {
  const metadata = asRecord(obj.metadata);
  if (metadata === undefined) return [];
  const errors: FieldError[] = [];
  if (typeof metadata.name === 'string') {
    const problem = dns1123SubdomainProblem(metadata.name);
    if (problem !== undefined) errors.push({ path: 'metadata.name', message: problem });
  }
  if (typeof metadata.namespace === 'string' && metadata.namespace !== '') {
    const problem = dns1123LabelProblem(metadata.namespace);
    if (problem !== undefined) errors.push({ path: 'metadata.namespace', message: problem });
  }
  return errors;
}
