// "Accepted means honoured", for AppProjects: the fields Flotilla's schema reads (so a migrated
// AppProject parses as written) but the hub and agent do not act on are refused when a project is
// written, each with its path and what to do instead; so are sync windows whose schedule or time
// zone does not evaluate. Pure; tolerant of shapes the schema already rejected.
import type { FieldError } from './field-errors.ts';
import { asArray, asRecord } from './checks.ts';
import type { SyncWindow } from './project-schema.ts';
import { windowProblem } from './sync-windows.ts';

/** The fields refused, with the reason each gives. */
const UNSUPPORTED: [string, (value: unknown) => boolean, string][] = [
  ['signatureKeys', (v) => asArray(v).length > 0, 'is not supported: the hub does not verify commit signatures; remove signatureKeys'],
  ['sourceIntegrity', () => true, 'is not supported: the hub does not verify commit signatures; remove sourceIntegrity'],
  ['destinationServiceAccounts', (v) => asArray(v).length > 0, 'is not supported: agents apply with their own service account, not an impersonated one; remove destinationServiceAccounts'],
  ['permitOnlyProjectScopedClusters', (v) => v === true, 'is not supported: Flotilla clusters are not scoped to projects; remove it or set it to false'],
];

/** What Flotilla cannot honour in an AppProject (spec fields, sync windows that do not evaluate). */
export function unsupportedProjectFields(project: Record<string, unknown>): FieldError[] {
  const spec = asRecord(project.spec);
  if (spec === undefined) return [];
  const errors: FieldError[] = [];
  for (const [key, refused, message] of UNSUPPORTED) {
    if (spec[key] !== undefined && refused(spec[key])) errors.push({ path: `spec.${key}`, message });
  }
  asArray(spec.syncWindows).forEach((item, index) => {
    const window = asRecord(item);
    if (window === undefined || typeof window.schedule !== 'string' || typeof window.duration !== 'string') return;
    const problem = windowProblem(window as unknown as SyncWindow);
    if (problem !== undefined) errors.push({ path: `spec.syncWindows[${index}]`, message: problem });
  });
  return errors;
}
