// Content addresses for rendering: one canonical JSON encoding and the SHA-256 keys built on it, so that the same
// source (repository, commit, path, parameters) and the same manifests always get the same key, whatever their key order.
import { canonicalJson, contentKey } from '@flotilla/shared';
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

/** `sha256:<hex>` of the canonical JSON of a render's input (repoURL normalized) and its manifests. */
export function bundleKey(input: BundleInput): string {
  return contentKey({
    repoURL: normalizeRepoUrl(input.repoURL), commit: input.commit, path: input.path, params: input.params, manifests: input.manifests,
  });
}

/** `sha256:<hex>` of the canonical JSON of a render's input (repoURL normalized): the cache key of a render. */
export function renderKey(input: RenderInput): string {
  return contentKey({ repoURL: normalizeRepoUrl(input.repoURL), commit: input.commit, path: input.path, params: input.params });
}

/** The canonical JSON encoding (kept here for the hub's callers; it lives in shared). */
export { canonicalJson };
