// Safe readers over the loose fields of a live object, shared by the per-kind health checks.
// Absent or mistyped fields read as Go's zero values, as gitops-engine's typed conversion leaves them.
import type { HealthResult, HealthStatus, KubeObject } from './types.ts';

/** The value as a plain object, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

/** The value as an array of plain objects (other entries dropped), or an empty array. */
export function records(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) return [];
  return value.map(asRecord).filter((entry): entry is Record<string, unknown> => entry !== undefined);
}

/** The value if it is a string, else '' (Go's zero value). */
export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The value if it is a finite number, else 0 (Go's zero value). */
export function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** The value if it is a finite number, else undefined (a nil pointer in Go). */
export function optNum(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The first condition of this type in a conditions list, or undefined. */
export function findCondition(conditions: unknown, type: string): Record<string, unknown> | undefined {
  return records(conditions).find((c) => c['type'] === type);
}

/** The object's API group and version ('' group for the core API). */
export function groupVersion(obj: Pick<KubeObject, 'apiVersion'>): { group: string; version: string } {
  const apiVersion = str(obj.apiVersion);
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Go's GroupVersionKind.String(), as gitops-engine prints it in "unsupported ... GVK" messages. */
export function gvkString(obj: KubeObject): string {
  const { group, version } = groupVersion(obj);
  return `${group}/${version}, Kind=${str(obj.kind)}`;
}

/** The result of an apiVersion a checker does not handle (gitops-engine answers Unknown). */
export function unsupported(label: string, obj: KubeObject): HealthResult {
  return { status: 'Unknown', message: `unsupported ${label} GVK: ${gvkString(obj)}` };
}

/** A health result, leaving out an empty message (Go's "" means none). */
export function health(status: HealthStatus, message?: string): HealthResult {
  return message ? { status, message } : { status };
}

/** A string quoted as Go's %q quotes a Kubernetes name. */
export function quote(value: string): string {
  return JSON.stringify(value);
}
