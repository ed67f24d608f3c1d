// The fleet matrix: applications × clusters. A row is what is deployed (one source: repository and
// path or chart), a column a cluster, a cell the application deploying that source there with its
// revision, sync and health. Pure.

/** The parts of an Application the matrix reads. */
export interface MatrixApp {
  metadata: { name: string };
  spec: { source?: { repoURL?: string; path?: string; chart?: string }; sources?: { repoURL?: string; path?: string; chart?: string }[] };
  status?: { sync?: { status?: string; revision?: string }; health?: { status?: string }; cluster?: { name?: string } };
}

/** One cell: an application on a cluster. */
export interface MatrixCell {
  app: string;
  revision: string;
  sync: string;
  health: string;
}

/** One row: a source and its applications, by cluster (more than one app of a source on a cluster: all of them). */
export interface MatrixRow {
  key: string;
  label: string;
  cells: Map<string, MatrixCell[]>;
}

/** The matrix of a page of applications: rows sorted by label, columns the clusters seen, sorted. */
export interface FleetMatrix {
  clusters: string[];
  rows: MatrixRow[];
}

/** The row an application belongs to: its (first) source, `repoURL` and path or chart. */
export function sourceKey(app: MatrixApp): { key: string; label: string } {
  const source = app.spec.source ?? app.spec.sources?.[0] ?? {};
  const repo = (source.repoURL ?? '').replace(/\.git$/, '').replace(/\/+$/, '');
  const within = source.chart ?? (source.path ?? '').replace(/^\.?\/+|\/+$/g, '');
  const repoName = repo.slice(repo.lastIndexOf('/') + 1);
  return { key: `${repo}#${within}`, label: within === '' || within === '.' ? repoName || app.metadata.name : `${repoName}/${within}` };
}

/** The short form of a commit (Argo CD shows 7 characters). */
export function shortRevision(revision: string | undefined): string {
  if (!revision) return '';
  return /^[0-9a-f]{40,64}$/.test(revision) ? revision.slice(0, 7) : revision;
}

/** Builds the matrix of these applications. */
export function buildMatrix(apps: readonly MatrixApp[]): FleetMatrix {
  const clusters = new Set<string>();
  const rows = new Map<string, MatrixRow>();
  for (const app of apps) {
    const cluster = app.status?.cluster?.name ?? 'hub';
    clusters.add(cluster);
    const { key, label } = sourceKey(app);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { key, label, cells: new Map() }));
    const cell: MatrixCell = { app: app.metadata.name, revision: shortRevision(app.status?.sync?.revision), sync: app.status?.sync?.status ?? 'Unknown', health: app.status?.health?.status ?? 'Unknown' };
    const list = row.cells.get(cluster);
    if (list) list.push(cell);
    else row.cells.set(cluster, [cell]);
  }
  return {
    clusters: [...clusters].sort((a, b) => a.localeCompare(b)),
    rows: [...rows.values()].sort((a, b) => a.label.localeCompare(b.label) || a.key.localeCompare(b.key)),
  };
}
