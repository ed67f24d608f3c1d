// Content addresses for rendering: one canonical JSON encoding and the SHA-256 keys built on it, so that the same
// source (repository, commit, path, parameters) always gets the same render key and the same manifests the same
// bundle key, whatever their key order. A bundle key hashes the manifests alone (issue 14).
import { bundleKeyOf, canonicalJson, contentKey } from '@flotilla/shared';
import { normalizeRepoUrl } from './repo-url.ts';

/** What a render depends on: the source at one commit and its parameters (e.g. `spec.source.directory`). */
export interface RenderInput {
  repoURL: string;
  commit: string;
  path: string;
  params: unknown;
}

/**
 * `sha256:<hex>` of the canonical JSON of a render's manifests alone. The commit, path and
 * parameters are left out, so a commit that does not change what an app deploys keeps its bundle
 * (the commit travels on the assignment), and identical manifests are stored once.
 */
export function bundleKey(manifests: object[]): string {
  return bundleKeyOf(manifests);
}

/** `sha256:<hex>` of the canonical JSON of a render's input (repoURL normalized): the cache key of a render. */
export function renderKey(input: RenderInput): string {
  return contentKey({ repoURL: normalizeRepoUrl(input.repoURL), commit: input.commit, path: input.path, params: input.params });
}

/** The canonical JSON encoding (kept here for the hub's callers; it lives in shared). */
export { canonicalJson };
