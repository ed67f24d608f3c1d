// `spec.source.helm` as the Helm driver reads it: Argo CD's ApplicationSourceHelm fields, with
// defaults filled in and wrongly typed fields dropped (the Application schema has already refused
// them; the driver only must not crash on a spec stored before that check existed).
import type { SourceLike } from '../../store/applications.ts';

/** A `--set` (or `--set-string` with forceString) override. */
export interface HelmParameter {
  name: string;
  value: string;
  forceString: boolean;
}

/** A `--set-file` override: a value read from a file of the repository. */
export interface HelmFileParameter {
  name: string;
  path: string;
}

/** The Helm options of a source, normalized. */
export interface HelmSpec {
  releaseName?: string;
  valueFiles: string[];
  ignoreMissingValueFiles: boolean;
  /** Inline values: `valuesObject` as JSON text when set (it takes precedence), else `values`. */
  values?: string;
  parameters: HelmParameter[];
  fileParameters: HelmFileParameter[];
  skipCrds: boolean;
  skipSchemaValidation: boolean;
  skipTests: boolean;
  namespace?: string;
  kubeVersion?: string;
  apiVersions?: string[];
  /** `helm.passCredentials`: repository credentials go to every host (helm `--pass-credentials`). */
  passCredentials: boolean;
  /** `helm.version` as written (the Application check allows only "v3" or empty). */
  version: string;
}

/** Reads `source.helm` (absent means every default). */
export function readHelmSpec(source: SourceLike): HelmSpec {
  const helm = record(source['helm']) ?? {};
  return {
    releaseName: text(helm['releaseName']),
    valueFiles: strings(helm['valueFiles']),
    ignoreMissingValueFiles: helm['ignoreMissingValueFiles'] === true,
    values: inlineValues(helm['valuesObject'], helm['values']),
    parameters: list(helm['parameters']).flatMap((p) => {
      const name = text(p['name']);
      return name === undefined ? [] : [{ name, value: typeof p['value'] === 'string' ? p['value'] : '', forceString: p['forceString'] === true }];
    }),
    fileParameters: list(helm['fileParameters']).flatMap((p) => {
      const name = text(p['name']);
      const path = text(p['path']);
      return name === undefined || path === undefined ? [] : [{ name, path }];
    }),
    skipCrds: helm['skipCrds'] === true,
    skipSchemaValidation: helm['skipSchemaValidation'] === true,
    skipTests: helm['skipTests'] === true,
    namespace: text(helm['namespace']),
    kubeVersion: text(helm['kubeVersion']),
    apiVersions: Array.isArray(helm['apiVersions']) && helm['apiVersions'].length > 0 ? strings(helm['apiVersions']) : undefined,
    passCredentials: helm['passCredentials'] === true,
    version: typeof helm['version'] === 'string' ? helm['version'] : '',
  };
}

/** Argo CD: a non-empty `valuesObject` wins over the `values` string. */
function inlineValues(object: unknown, values: unknown): string | undefined {
  const obj = record(object);
  if (obj && Object.keys(obj).length > 0) return JSON.stringify(obj);
  return typeof values === 'string' && values.trim() !== '' ? values : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.flatMap((v): Record<string, unknown>[] => { const r = record(v); return r ? [r] : []; }) : [];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
