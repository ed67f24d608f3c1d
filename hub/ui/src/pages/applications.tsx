// Applications: the sync and health counts, the filters (in the URL), cards or a table of one
// page of applications (server-side paging: "Next page" follows metadata.continue), live.
import { navigate } from '../navigation.ts';
import { useAppList, type AppItem } from '../app-list.ts';
import { filtersFromQuery, isFiltered, queryFromFilters, withFilter, type AppFilters } from '../lib/filters.ts';
import { countLabel } from '../lib/counts.ts';
import { applicationPath, clusterPath } from '../lib/route.ts';
import { shortRevision } from '../lib/fleet-matrix.ts';
import { FilterBar } from '../components/filter-bar.tsx';
import { ErrorAlert } from '../components/alert.tsx';
import { Link } from '../components/link.tsx';
import { HealthStatus, SyncStatus } from '../components/status.tsx';
import { Time } from '../components/time.tsx';

/** Rows per page. */
export const PAGE_SIZE = 100;

const go = (filters: AppFilters, replace = false) => navigate(`/applications${queryFromFilters(filters)}`, replace);

/** The applications page. */
export function ApplicationsPage({ query }: { query: string }) {
  const filters = filtersFromQuery(query);
  const { page, counts, error } = useAppList(filters, PAGE_SIZE, true);
  const items = page?.items ?? [];
  return (
    <>
      <div class="title-row">
        <h1>Applications</h1>
        <div class="view-switch" role="group" aria-label="View">
          <button type="button" aria-pressed={filters.view === 'cards'} onClick={() => go(withFilter(filters, 'view', 'cards'), true)}>Cards</button>
          <button type="button" aria-pressed={filters.view === 'table'} onClick={() => go(withFilter(filters, 'view', 'table'), true)}>Table</button>
        </div>
      </div>
      <section aria-label="Status counts" class="counts">
        {counts ? (
          <>
            <ul aria-label="Sync">{[...counts.sync].map(([s, c]) => <li key={s}><Link class={`status sync-${s}`} href={`/applications${queryFromFilters(withFilter(filters, 'sync', s))}`}>{countLabel(s, c)}</Link></li>)}</ul>
            <ul aria-label="Health">{[...counts.health].map(([h, c]) => <li key={h}><Link class={`status health-${h}`} href={`/applications${queryFromFilters(withFilter(filters, 'health', h))}`}>{countLabel(h, c)}</Link></li>)}</ul>
          </>
        ) : <span class="muted">Counting…</span>}
      </section>
      <FilterBar filters={filters} onChange={(key, value) => go(withFilter(filters, key, value), key === 'namespace' || key === 'selector' || key === 'search')} />
      <ErrorAlert error={error} />
      {page && items.length === 0 && <p class="muted">{isFiltered(filters) ? 'No application matches these filters.' : 'No applications yet: create one with `flotilla app create` or POST /api/v1/applications.'}</p>}
      {!page && !error && <p class="muted">Loading…</p>}
      {filters.view === 'cards' ? <Cards items={items} /> : <AppTable items={items} />}
      <div class="pager">
        {filters.continue !== '' && <button type="button" onClick={() => go({ ...filters, continue: '' })}>First page</button>}
        {page?.metadata?.continue && <button type="button" onClick={() => go({ ...filters, continue: page.metadata!.continue! })}>Next page</button>}
      </div>
    </>
  );
}

const clusterOf = (a: AppItem) => a.status?.cluster?.name ?? a.spec.destination?.name ?? a.spec.destination?.server ?? '';

function AppTable({ items }: { items: AppItem[] }) {
  if (items.length === 0) return null;
  return (
    <table aria-label="Applications" class="grid">
      <thead><tr><th scope="col">Name</th><th scope="col">Project</th><th scope="col">Cluster</th><th scope="col">Namespace</th><th scope="col">Sync</th><th scope="col">Health</th><th scope="col">Revision</th><th scope="col">Reconciled</th></tr></thead>
      <tbody>
        {items.map((a) => (
          <tr key={a.metadata.name}>
            <td><Link href={applicationPath(a.metadata.name)}>{a.metadata.name}</Link></td>
            <td>{a.spec.project ?? 'default'}</td>
            <td>{clusterOf(a) && <Link href={clusterPath(clusterOf(a))}>{clusterOf(a)}</Link>}</td>
            <td>{a.spec.destination?.namespace ?? ''}</td>
            <td><SyncStatus status={a.status?.sync?.status} /></td>
            <td><HealthStatus status={a.status?.health?.status} message={a.status?.health?.message} /></td>
            <td class="mono">{shortRevision(a.status?.sync?.revision)}</td>
            <td><Time at={a.status?.reconciledAt} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Cards({ items }: { items: AppItem[] }) {
  return (
    <ul class="cards" aria-label="Applications">
      {items.map((a) => (
        <li key={a.metadata.name} class="card">
          <h2><Link href={applicationPath(a.metadata.name)}>{a.metadata.name}</Link></h2>
          <dl>
            <dt>Project</dt><dd>{a.spec.project ?? 'default'}</dd>
            <dt>Cluster</dt><dd>{clusterOf(a)}</dd>
            <dt>Namespace</dt><dd>{a.spec.destination?.namespace ?? ''}</dd>
            <dt>Sync</dt><dd><SyncStatus status={a.status?.sync?.status} /></dd>
            <dt>Health</dt><dd><HealthStatus status={a.status?.health?.status} message={a.status?.health?.message} /></dd>
            <dt>Source</dt><dd class="mono wrap">{a.spec.source?.repoURL ?? a.spec.sources?.[0]?.repoURL ?? ''}</dd>
          </dl>
        </li>
      ))}
    </ul>
  );
}
