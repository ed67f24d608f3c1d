// Writing an AppProject through the API: check the body (Argo CD's AppProject, YAML or JSON, with
// Argo CD's rules and what Flotilla cannot honour refused by field path) and turn it into a store
// write; and the presented form the API answers with.
import { invalidInput, unsupportedProjectFields, validateAppProject } from '@flotilla/shared';
import type { ProjectRecord, ProjectWrite } from '../store/projects.ts';

/** Checks an AppProject body (400 with field paths); `nameFromPath` must match metadata.name. */
export function toProjectWrite(body: unknown, nameFromPath?: string): Omit<ProjectWrite, 'owner'> {
  const validated = validateAppProject(body);
  if (!validated.ok) throw invalidInput(`invalid AppProject: ${validated.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, validated.errors);
  const unsupported = unsupportedProjectFields(validated.value as unknown as Record<string, unknown>);
  if (unsupported.length) throw invalidInput(`invalid AppProject: ${unsupported.map((e) => `${e.path}: ${e.message}`).join('; ')}`, unsupported);
  const { metadata, spec } = validated.value;
  if (nameFromPath !== undefined && metadata.name !== nameFromPath) {
    throw invalidInput(`metadata.name "${metadata.name}" does not match the name in the path "${nameFromPath}"`, [{ path: 'metadata.name', message: 'must match the path' }]);
  }
  const { labels, annotations, finalizers } = metadata as ProjectRecord['metadata'];
  return {
    name: metadata.name,
    metadata: { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}), ...(finalizers ? { finalizers } : {}) },
    spec: spec as Record<string, unknown>,
  };
}

/** The AppProject object the API answers with (pure). */
export function presentProject(p: ProjectRecord) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: {
      name: p.name,
      ...p.metadata,
      // A project an app of apps renders carries Argo CD's tracking annotation naming its parent.
      ...(p.owner ? { annotations: { ...p.metadata.annotations, 'argocd.argoproj.io/tracking-id': `${p.owner}:argoproj.io/AppProject:argocd/${p.name}` } } : {}),
      creationTimestamp: p.createdAt.toISOString(),
    },
    spec: p.spec,
  };
}
