// The manifests in `kustomize build` output: a YAML stream read as Argo CD reads it (YAML 1.1 like
// Kubernetes' decoder, as render-directory.ts does), Lists expanded, each document checked to be a
// Kubernetes object. Pure.
import { parseAllDocuments } from 'yaml';
import type { RenderError } from './types.ts';

/** The objects of a YAML stream, or the first problem, attributed to `file`. */
export function parseBuildOutput(text: string, file: string): { ok: true; manifests: object[] } | { ok: false; errors: RenderError[] } {
  const manifests: object[] = [];
  const docs = parseAllDocuments(text, {
    version: '1.1',
    prettyErrors: false,
    customTags: (tags) => tags.filter((t) => typeof t !== 'object' || (t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME')),
  });
  for (const [i, doc] of docs.entries()) {
    if (doc.errors.length > 0) return fail(file, `kustomize build output, document ${i + 1}: ${doc.errors[0]!.message}`);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      return fail(file, `kustomize build output, document ${i + 1}: ${(error as Error).message}`);
    }
    if (value == null) continue;
    const items = isObject(value) && typeof value['kind'] === 'string' && value['kind'].endsWith('List') && (Array.isArray(value['items']) || value['items'] === null)
      ? ((value['items'] ?? []) as unknown[]) : [value];
    for (const item of items) {
      if (item == null) continue;
      if (!isObject(item) || typeof item['kind'] !== 'string' || typeof item['apiVersion'] !== 'string') {
        return fail(file, `kustomize build output, document ${i + 1}, is not a Kubernetes object (it needs apiVersion and kind)`);
      }
      manifests.push(item);
    }
  }
  return { ok: true, manifests };
}

function fail(file: string, message: string): { ok: false; errors: RenderError[] } {
  return { ok: false, errors: [{ file, message }] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
