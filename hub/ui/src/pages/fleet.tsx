// The fleet matrix: what is deployed (rows: sources) × where (columns: clusters), each cell the
// application's revision, sync and health; the same filters as the applications page, live.
import { useEffect, useState } from 'preact/hooks';
import { navigate } from '../navigation.ts';
import { useAppList } from '../app-list.ts';
import { buildMatrix } from '../lib/fleet-matrix.ts';
import { filtersFromQuery, queryFromFilters, withFilter, type AppFilters } from '../lib/filters.ts';
import { applicationPath, clusterPath } from '../lib/route.ts';
import { FilterBar } from '../components/filter-bar.tsx';
import { ErrorAlert } from '../components/alert.tsx';
import { Link } from '../components/link.tsx';

/** Applications per page of the matrix. */
export const FLEET_PAGE_SIZE = 100;
/** Rows drawn in the first frame; the rest follow in the next (a wide matrix is thousands of cells). */
const FIRST_ROWS = 10;

const go = (filters: AppFilters, replace = false) => navigate(`/fleet${queryFromFilters(filters)}`, replace);

/** The fleet page. */
export function FleetPage({ query }: { query: string }) {
  const filters = filtersFromQuery(query);
  const { page, error } = useAppList(filters, FLEET_PAGE_SIZE, false);
  const matrix = buildMatrix(page?.items ?? []);
  const [drawn, setDrawn] = useState(FIRST_ROWS);
  useEffect(() => {
    setDrawn(FIRST_ROWS);
    // After the first rows are painted (the frame, then a task), the rest.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => { timer = setTimeout(() => setDrawn(Number.POSITIVE_INFINITY), 0); });
    return () => { cancelAnimationFrame(frame); clearTimeout(timer); };
  }, [page]);
  return (
    <>
      <h1>Fleet</h1>
      <FilterBar filters={filters} onChange={(key, value) => go(withFilter(filters, key, value), key === 'namespace' || key === 'selector' || key === 'search')} />
      <ErrorAlert error={error} />
      {!page && !error && <p class="muted">Loading…</p>}
      {page && matrix.rows.length === 0 && <p class="muted">No applications.</p>}
      {matrix.rows.length > 0 && (
        <div class="scroll">
          <table aria-label="Fleet" class="grid matrix">
            <thead><tr><th scope="col">Source</th>{matrix.clusters.map((c) => <th key={c} scope="col">{c === 'hub' ? c : <Link href={clusterPath(c)}>{c}</Link>}</th>)}</tr></thead>
            <tbody>
              {matrix.rows.slice(0, drawn).map((row) => (
                <tr key={row.key}>
                  <th scope="row" title={row.key}>{row.label}</th>
                  {matrix.clusters.map((c) => (
                    <td key={c}>
                      {(row.cells.get(c) ?? []).map((cell) => (
                        <Link key={cell.app} href={applicationPath(cell.app)} class={`cell sync-${cell.sync} health-${cell.health}`} title={`${cell.app}: ${cell.sync}, ${cell.health}${cell.revision ? `, ${cell.revision}` : ''}`}>
                          <span class="mono">{cell.revision || '—'}</span> <span class={`status sync-${cell.sync}`}>{cell.sync}</span> <span class={`status health-${cell.health}`}>{cell.health}</span>
                        </Link>
                      ))}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="pager">
        {filters.continue !== '' && <button type="button" onClick={() => go({ ...filters, continue: '' })}>First page</button>}
        {page?.metadata?.continue && <button type="button" onClick={() => go({ ...filters, continue: page.metadata!.continue! })}>Next page</button>}
      </div>
    </>
  );
}
