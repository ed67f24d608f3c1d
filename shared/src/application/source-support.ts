// "Accepted means honoured": the Argo CD source fields Flotilla's schema accepts (so a migrated
// manifest reads as it was written) but the hub cannot act on are refused here, at create and update
// time, each with the field's path and what to do instead. A field the renderers honour is not
// listed; a field whose support depends on the hub (kustomize.version: which kustomize binaries it
// has) is decided at render time, where the condition names it. Pure; tolerant of shapes the
// schema already rejected.
import { joinPath, type FieldError } from './field-errors.ts';
import { asArray, asRecord, nonEmpty } from './checks.ts';

/** The `helm.version` values Flotilla honours: the hub renders with Helm 3 (Argo CD removed Helm 2). */
export const HELM_VERSIONS: readonly string[] = ['', 'v3'];

/** What Flotilla cannot honour in one source (`at` is `spec.source`, `spec.sources[i]` or `spec.sourceHydrator.drySource`). */
export function unsupportedSourceFields(source: Record<string, unknown>, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const tagPrefix = nonEmpty(source.tagPrefix);
  if (tagPrefix !== undefined) {
    errors.push({
      path: joinPath(at, 'tagPrefix'),
      message: `is not supported: Flotilla resolves targetRevision as a branch, a tag or a commit, not as a semver constraint over tags; remove tagPrefix and name the tag in targetRevision (e.g. "${tagPrefix}1.0.1")`,
    });
  }
  if (source.plugin !== undefined) {
    errors.push({
      path: joinPath(at, 'plugin'),
      message: 'config management plugins are not supported: render the manifests into the repository, or use helm, kustomize or directory (Jsonnet)',
    });
  }
  const tool = (['kustomize', 'directory'] as const).find((key) => source[key] !== undefined);
  if (nonEmpty(source.chart) !== undefined && tool !== undefined) {
    errors.push({ path: joinPath(at, tool), message: `cannot be used with chart: a chart from a Helm repository renders with helm (set helm options, or remove chart and set path)` });
  }
  const helm = asRecord(source.helm);
  if (helm !== undefined) errors.push(...helmErrors(helm, joinPath(at, 'helm')));
  return errors;
}

/** `spec.sourceHydrator`: rendering into a Git branch and syncing from there is not something the hub does. */
export function unsupportedHydrator(): FieldError {
  return {
    path: 'spec.sourceHydrator',
    message: 'the source hydrator (committing rendered manifests to a branch) is not supported: the hub renders every source itself; use spec.source with the drySource\'s repoURL, targetRevision, path and tool options',
  };
}

function helmErrors(helm: Record<string, unknown>, at: string): FieldError[] {
  const errors: FieldError[] = [];
  if (typeof helm.version === 'string' && !HELM_VERSIONS.includes(helm.version)) {
    errors.push({
      path: joinPath(at, 'version'),
      message: `must be "v3" or empty, got ${JSON.stringify(helm.version)}: the hub renders charts with Helm 3 (Argo CD removed Helm 2); remove the field`,
    });
  }
  asArray(helm.parameters).forEach((item, i) => {
    const param = asRecord(item);
    if (param !== undefined && nonEmpty(param.name) === undefined) {
      errors.push({ path: `${at}.parameters[${i}].name`, message: 'required: the value to set (helm --set name=value), e.g. "image.tag"' });
    }
  });
  asArray(helm.fileParameters).forEach((item, i) => {
    const param = asRecord(item);
    if (param === undefined) return;
    if (nonEmpty(param.name) === undefined) errors.push({ path: `${at}.fileParameters[${i}].name`, message: 'required: the value to set from the file (helm --set-file name=path)' });
    if (nonEmpty(param.path) === undefined) errors.push({ path: `${at}.fileParameters[${i}].path`, message: 'required: the file whose content is the value' });
  });
  return errors;
}
