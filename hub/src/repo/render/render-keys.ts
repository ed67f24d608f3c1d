// What a render is keyed by (issue 14, "render only what changed"): not the commit, but the
// content it reads. A source key names a source without its commit: the repository, the path,
// the type and its parameters, and the destination facts that type reads (Helm's release name and
// namespace, the cluster's capabilities). A content key adds the Git object ids, at the commit, of
// the paths the source's last render read; equal ids mean equal content, so a commit elsewhere in a
// monorepo renders nothing for this source. Directory renders read no destination facts, so one
// directory source renders once for every cluster.
import { contentKey } from '@flotilla/shared';
import type { SourceLike } from '../../store/applications.ts';
import { normalizeRepoUrl } from '../repo-url.ts';
import type { ClusterCapabilities, SourceType } from './types.ts';

/** The facts a source key is made of. */
export interface SourceFacts {
  repoURL: string;
  path: string;
  type: SourceType | 'HelmRepository';
  source: SourceLike;
  appName: string;
  namespace: string;
  capabilities: ClusterCapabilities;
  /** The application's project and the commit: keyed only when the source's options use Argo CD's build variables. */
  project?: string;
  revision?: string;
  /** Multi-source: the repository of each `ref` source lending files. */
  refs?: Record<string, string>;
}

/** Source fields that say where the source is, not how it renders (they key elsewhere or not at all). */
const LOCATION_FIELDS = new Set(['repoURL', 'targetRevision', 'path', 'ref', 'name']);

/** The key of a source without its commit (pure). */
export function sourceKeyOf(facts: SourceFacts): string {
  const params = Object.fromEntries(Object.entries(facts.source).filter(([k, v]) => !LOCATION_FIELDS.has(k) && v !== undefined));
  const helm = facts.type === 'Helm' || facts.type === 'HelmRepository';
  const helmSpec = (facts.source.helm ?? {}) as { releaseName?: string; namespace?: string };
  return contentKey({
    v: 1,
    repoURL: normalizeRepoUrl(facts.repoURL),
    path: facts.path,
    type: facts.type,
    params,
    ...(helm ? { releaseName: helmSpec.releaseName || facts.appName, namespace: helmSpec.namespace || facts.namespace } : {}),
    ...(facts.type === 'Directory' ? {} : { capabilities: { kubeVersion: facts.capabilities.kubeVersion, apiVersions: [...facts.capabilities.apiVersions].sort() } }),
    // `${ARGOCD_APP_NAME}` and friends in Kustomize or Jsonnet options make the render depend on the app itself.
    ...(JSON.stringify(params).includes('ARGOCD_APP_') ? buildFacts(facts, JSON.stringify(params)) : {}),
    ...(facts.refs && Object.keys(facts.refs).length ? { refs: Object.fromEntries(Object.entries(facts.refs).map(([k, v]) => [k, normalizeRepoUrl(v)])) } : {}),
  });
}

/** The key of a source's content: its source key and the object ids of what it reads (pure). */
export function contentKeyOf(sourceKey: string, inputs: string[], oids: (string | null)[]): string {
  return contentKey({ sourceKey, inputs, oids });
}

/** The content key of an application's sources together (one source: that source's content key) (pure). */
export function combinedKey(parts: { sourceKey: string; inputs: string[]; oids: (string | null)[] }[]): string {
  return parts.length === 1 ? contentKeyOf(parts[0]!.sourceKey, parts[0]!.inputs, parts[0]!.oids) : contentKey(parts);
}

/** The facts Argo CD's build variables expose, as far as the options use them (pure). */
function buildFacts(facts: SourceFacts, options: string): Record<string, string> {
  return {
    appName: facts.appName,
    namespace: facts.namespace,
    project: facts.project ?? '',
    targetRevision: facts.source.targetRevision ?? '',
    ...(options.includes('ARGOCD_APP_REVISION') ? { revision: facts.revision ?? '' } : {}),
  };
}
