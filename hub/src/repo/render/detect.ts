// Which source type an Application source is, as Argo CD decides it (reposerver GetAppSourceType):
// an explicit `helm`, `kustomize`, `directory` or `plugin` field wins (two of them is an error);
// a `chart` means a chart from a Helm repository or OCI registry; otherwise the files at the path
// decide: `Chart.yaml` is Helm, `kustomization.yaml|yml` or `Kustomization` is Kustomize, anything
// else a directory (whose `.jsonnet` files Jsonnet evaluates).
import type { SourceLike } from '../../store/applications.ts';
import type { SourceType } from './types.ts';

/** The names Argo CD takes for a kustomization file. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** A source's type, or why it has none (pure). `names`: the file names directly under the source path. */
export function detectSourceType(source: SourceLike, names: ReadonlySet<string>): { type: SourceType | 'HelmRepository' } | { error: string } {
  const explicit = (['helm', 'kustomize', 'directory', 'plugin'] as const).filter((field) => source[field] !== undefined && source[field] !== null);
  if (explicit.length > 1) return { error: `the source sets ${explicit.map((f) => `spec.source.${f}`).join(' and ')}: an application source has one type` };
  if (source.chart !== undefined) {
    if (explicit.length && explicit[0] !== 'helm') return { error: `spec.source.chart is a Helm chart, but spec.source.${explicit[0]} is set` };
    return { type: 'HelmRepository' };
  }
  const byField = { helm: 'Helm', kustomize: 'Kustomize', directory: 'Directory', plugin: 'Plugin' } as const;
  if (explicit[0]) return { type: byField[explicit[0]] };
  if (names.has('Chart.yaml')) return { type: 'Helm' };
  if (KUSTOMIZATION_FILES.some((n) => names.has(n))) return { type: 'Kustomize' };
  return { type: 'Directory' };
}
