// Validation of Argo CD Application and AppProject manifests: the closed TypeBox schema plus the rules
// Argo CD enforces beyond its CRD (one source kind, destination by server xor name, ref keys, ...).
// Pure functions: no I/O; inputs are never mutated; results carry defaults (project "default").
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ApplicationSchema, ARGO_API_VERSION, type Application, type ApplicationInput } from './schema.ts';
import { AppProjectSchema, type AppProject, type AppProjectInput } from './project-schema.ts';
import { finishErrors, joinPath, schemaErrors, type FieldError } from './field-errors.ts';
import { asArray, asRecord, identityErrors, isGoDuration, metadataErrors, nonEmpty, pruneNulls } from './checks.ts';
import { appProjectRuleErrors } from './project-rules.ts';
import { unsupportedHydrator, unsupportedSourceFields } from './source-support.ts';

/** Manifest text parsing (YAML multi-document or JSON), re-exported so callers need only this module. */
export { parseManifestText, type ParseResult } from './manifest-text.ts';
/** The error shape every validator returns. */
export type { FieldError } from './field-errors.ts';

/** Outcome of validating one object: the normalized value, or the problems found. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** The project an Application belongs to when it names none. */
export const DEFAULT_PROJECT = 'default';

const applicationCheck = TypeCompiler.Compile(ApplicationSchema);
const appProjectCheck = TypeCompiler.Compile(AppProjectSchema);

const TOOL_KEYS = ['helm', 'kustomize', 'directory', 'plugin'] as const;
const REF_KEY = /^[a-zA-Z0-9_-]+$/;

/** Rules for one source; `multi` is true inside spec.sources, where `ref` sources need no path. */
function sourceErrors(source: Record<string, unknown>, at: string, multi: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const hasLocation = nonEmpty(source.path) !== undefined || nonEmpty(source.chart) !== undefined
    || (multi && nonEmpty(source.ref) !== undefined);
  if (!hasLocation && source.path === undefined) {
    errors.push({
      path: joinPath(at, 'path'),
      message: multi ? 'required field is missing: a source needs path, chart or ref' : 'required field is missing: a source needs path or chart',
    });
  } else if (!hasLocation && source.path === '') {
    errors.push({ path: joinPath(at, 'path'), message: 'must not be empty (use "." for the repository root)' });
  }
  if (nonEmpty(source.chart) !== undefined && nonEmpty(source.targetRevision) === undefined) {
    errors.push({ path: joinPath(at, 'targetRevision'), message: 'required when chart is set (the Helm chart version)' });
  }
  const tools = TOOL_KEYS.filter((key) => source[key] !== undefined);
  if (tools.length > 1) {
    errors.push({ path: at, message: `only one of helm, kustomize, directory or plugin may be set (got ${tools.join(', ')})` });
  }
  errors.push(...unsupportedSourceFields(source, at));
  return errors;
}

/** Rules across spec.sources: ref keys valid and unique, names unique, `$ref/...` value files resolvable. */
function multiSourceErrors(sources: unknown[]): FieldError[] {
  const errors: FieldError[] = [];
  const refs = new Map<string, { index: number; chart: boolean }>();
  const names = new Map<string, number>();
  sources.forEach((item, index) => {
    const source = asRecord(item);
    if (source === undefined) return;
    const at = `spec.sources[${index}]`;
    const ref = nonEmpty(source.ref);
    if (ref !== undefined) {
      if (!REF_KEY.test(ref)) {
        errors.push({ path: `${at}.ref`, message: `may contain only letters, digits, '_' and '-' (got ${JSON.stringify(ref)})` });
      } else if (refs.has(ref)) {
        errors.push({ path: `${at}.ref`, message: `duplicate ref "${ref}" (also used by spec.sources[${refs.get(ref)?.index}])` });
      } else {
        refs.set(ref, { index, chart: nonEmpty(source.chart) !== undefined });
      }
    }
    const name = nonEmpty(source.name);
    if (name !== undefined) {
      if (names.has(name)) errors.push({ path: `${at}.name`, message: `duplicate source name "${name}" (also used by spec.sources[${names.get(name)}])` });
      else names.set(name, index);
    }
  });
  sources.forEach((item, index) => {
    const helm = asRecord(asRecord(item)?.helm);
    if (helm === undefined) return;
    const candidates: [string, unknown][] = [
      ...asArray(helm.valueFiles).map((file, k): [string, unknown] => [`spec.sources[${index}].helm.valueFiles[${k}]`, file]),
      ...asArray(helm.fileParameters).map((param, k): [string, unknown] => [`spec.sources[${index}].helm.fileParameters[${k}].path`, asRecord(param)?.path]),
    ];
    for (const [path, file] of candidates) {
      if (typeof file !== 'string' || !file.startsWith('$')) continue;
      const refVar = file.split('/')[0] ?? file;
      const target = refs.get(refVar.slice(1));
      if (target === undefined) {
        const known = [...refs.keys()].map((r) => `$${r}`).join(', ');
        errors.push({ path, message: `refers to source "${refVar}", but ${known === '' ? 'no source has a ref' : `the available refs are ${known}`}` });
      } else if (target.chart) {
        errors.push({ path, message: `refers to source "${refVar}", which is a Helm chart; ref sources must be Git repositories` });
      }
    }
  });
  return errors;
}

/** Argo CD rules on an Application beyond its schema; tolerant of shapes the schema already rejected. */
function applicationRuleErrors(app: Record<string, unknown>): FieldError[] {
  const errors = metadataErrors(app);
  const spec = asRecord(app.spec);
  if (spec === undefined) return errors;

  const kinds = (['source', 'sources', 'sourceHydrator'] as const).filter((key) => spec[key] !== undefined);
  if (kinds.length === 0) {
    errors.push({ path: 'spec.source', message: 'required field is missing: set spec.source or spec.sources' });
  } else if (kinds.length > 1) {
    errors.push({ path: `spec.${kinds[1]}`, message: `cannot be used together with spec.${kinds[0]}: set exactly one of source, sources or sourceHydrator` });
  }
  const source = asRecord(spec.source);
  if (source !== undefined) errors.push(...sourceErrors(source, 'spec.source', false));
  if (Array.isArray(spec.sources)) {
    if (spec.sources.length === 0) errors.push({ path: 'spec.sources', message: 'must contain at least one source' });
    spec.sources.forEach((item, index) => {
      const s = asRecord(item);
      if (s !== undefined) errors.push(...sourceErrors(s, `spec.sources[${index}]`, true));
    });
    errors.push(...multiSourceErrors(spec.sources));
  }
  if (spec.sourceHydrator !== undefined) errors.push(unsupportedHydrator());
  const dry = asRecord(asRecord(spec.sourceHydrator)?.drySource);
  if (dry !== undefined) {
    const tools = TOOL_KEYS.filter((key) => dry[key] !== undefined);
    if (tools.length > 1) errors.push({ path: 'spec.sourceHydrator.drySource', message: `only one of helm, kustomize, directory or plugin may be set (got ${tools.join(', ')})` });
  }

  // syncPolicy.retry.refresh (Argo CD: re-resolve the target revision before each retry) is not acted on: refused.
  if (asRecord(asRecord(spec.syncPolicy)?.retry)?.refresh === true) {
    errors.push({ path: 'spec.syncPolicy.retry.refresh', message: 'is not supported: a retry re-applies the bundle of the failed sync; a new commit starts a new sync instead. Remove refresh or set it to false' });
  }

  const destination = asRecord(spec.destination);
  if (destination !== undefined) {
    const server = nonEmpty(destination.server);
    const name = nonEmpty(destination.name);
    if (server !== undefined && name !== undefined) {
      errors.push({ path: 'spec.destination', message: `set either server or name, not both (got server ${JSON.stringify(server)} and name ${JSON.stringify(name)})` });
    } else if (server === undefined && name === undefined) {
      errors.push({ path: 'spec.destination', message: 'must set server (cluster API URL) or name (registered cluster name)' });
    }
  }

  const backoff = asRecord(asRecord(asRecord(spec.syncPolicy)?.retry)?.backoff);
  for (const key of ['duration', 'maxDuration'] as const) {
    const value = backoff?.[key];
    if (typeof value === 'string' && value !== '' && !/^\d+$/.test(value) && !isGoDuration(value)) {
      errors.push({ path: `spec.syncPolicy.retry.backoff.${key}`, message: `must be a duration such as "5s", "3m" or "1h" (got ${JSON.stringify(value)})` });
    }
  }
  return errors;
}

/** Validates an Argo CD Application object; on success returns a normalized copy with spec.project defaulted. */
export function validateApplication(obj: unknown): ValidationResult<Application> {
  const identity = identityErrors(obj, 'Application');
  if (identity.length > 0) return { ok: false, errors: identity };
  const cleaned = pruneNulls(obj) as Record<string, unknown>;
  const errors = finishErrors([...schemaErrors(applicationCheck, cleaned), ...applicationRuleErrors(cleaned)]);
  if (errors.length > 0) return { ok: false, errors };

  const input = cleaned as unknown as ApplicationInput;
  const spec = { ...input.spec, project: nonEmpty(input.spec.project) ?? DEFAULT_PROJECT };
  return { ok: true, value: { apiVersion: ARGO_API_VERSION, kind: 'Application', metadata: input.metadata, spec } };
}

/** Validates an Argo CD AppProject object; on success returns a normalized copy without status. */
export function validateAppProject(obj: unknown): ValidationResult<AppProject> {
  const identity = identityErrors(obj, 'AppProject');
  if (identity.length > 0) return { ok: false, errors: identity };
  const cleaned = pruneNulls(obj) as Record<string, unknown>;
  const errors = finishErrors([...schemaErrors(appProjectCheck, cleaned), ...metadataErrors(cleaned), ...appProjectRuleErrors(cleaned)]);
  if (errors.length > 0) return { ok: false, errors };

  const input = cleaned as unknown as AppProjectInput;
  return { ok: true, value: { apiVersion: ARGO_API_VERSION, kind: 'AppProject', metadata: input.metadata, spec: input.spec } };
}
