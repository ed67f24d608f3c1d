// The applications list's and fleet matrix's state lives in the URL (a deep link for every filter):
// parsing the query into filters, writing filters back (empty values and defaults left out, in a
// fixed order so one state has one URL), and the API query for one page. Pure.

/** How the applications page shows its rows. */
export type ListView = 'table' | 'cards';

/** The filters of the applications list and the fleet matrix, as the URL holds them. */
export interface AppFilters {
  view: ListView;
  project: string;
  cluster: string;
  namespace: string;
  sync: string;
  health: string;
  /** Labels, in Argo CD's selector syntax (`env=prod,tier!=db`). */
  selector: string;
  search: string;
  /** The API's paging token of the page shown ('' for the first). */
  continue: string;
}

/** The filter fields sent to the API (everything but the view and the page). */
export const FILTER_KEYS = ['project', 'cluster', 'namespace', 'sync', 'health', 'selector', 'search'] as const;
/** One of the filter fields. */
export type FilterKey = (typeof FILTER_KEYS)[number];

/** Argo CD's sync statuses, as the Sync filter offers them. */
export const SYNC_STATUSES = ['Synced', 'OutOfSync', 'Unknown'] as const;
/** Argo CD's health statuses, worst last as its UI lists them. */
export const HEALTH_STATUSES = ['Healthy', 'Progressing', 'Suspended', 'Missing', 'Degraded', 'Unknown'] as const;

/** No filter, the table, the first page. */
export const EMPTY_FILTERS: AppFilters = { view: 'table', project: '', cluster: '', namespace: '', sync: '', health: '', selector: '', search: '', continue: '' };

/** The filters a URL query names (unknown keys ignored, an unknown view is the table, values trimmed). */
export function filtersFromQuery(query: string): AppFilters {
  const params = new URLSearchParams(query);
  const value = (key: string) => (params.get(key) ?? '').trim();
  const sync = value('sync');
  const health = value('health');
  return {
    view: value('view') === 'cards' ? 'cards' : 'table',
    project: value('project'),
    cluster: value('cluster'),
    namespace: value('namespace'),
    sync: (SYNC_STATUSES as readonly string[]).includes(sync) ? sync : '',
    health: (HEALTH_STATUSES as readonly string[]).includes(health) ? health : '',
    selector: value('selector'),
    search: value('search'),
    continue: params.get('continue') ?? '',
  };
}

/** The URL query (with its `?`, or '' when nothing is set) for filters. */
export function queryFromFilters(filters: AppFilters): string {
  const params = new URLSearchParams();
  if (filters.view !== 'table') params.set('view', filters.view);
  for (const key of FILTER_KEYS) if (filters[key] !== '') params.set(key, filters[key]);
  if (filters.continue !== '') params.set('continue', filters.continue);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The filters after one field changed: any change of what is listed goes back to the first page. */
export function withFilter(filters: AppFilters, key: FilterKey | 'view', value: string): AppFilters {
  if (key === 'view') return { ...filters, view: value === 'cards' ? 'cards' : 'table' };
  return { ...filters, [key]: value.trim(), continue: '' };
}

/** The API query of one page of applications with these filters (`overrides` replace fields, e.g. for counts). */
export function apiListQuery(filters: AppFilters, limit: number, overrides: Partial<Record<FilterKey, string>> = {}): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = overrides[key] ?? filters[key];
    if (value !== '') params.set(key, value);
  }
  params.set('limit', String(limit));
  if (filters.continue !== '' && Object.keys(overrides).length === 0) params.set('continue', filters.continue);
  return `?${params.toString()}`;
}

/** Whether any filter narrows the list (the page says "no application matches" rather than "none yet"). */
export function isFiltered(filters: AppFilters): boolean {
  return FILTER_KEYS.some((key) => filters[key] !== '');
}
