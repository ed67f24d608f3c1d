// The filters of the applications list and the fleet matrix: project, cluster, namespace, sync,
// health, labels and search, each kept in the URL (text fields after a pause in typing).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { HEALTH_STATUSES, SYNC_STATUSES, type AppFilters, type FilterKey } from '../lib/filters.ts';

let namesOf: Promise<{ projects: string[]; clusters: string[] }> | undefined;
// The projects and clusters the caller may see, for the two selects (read once per page load).
function choices(): Promise<{ projects: string[]; clusters: string[] }> {
  namesOf ??= Promise.all([
    api<{ items: { metadata?: { name: string }; name?: string }[] }>('GET', '/api/v1/projects').catch(() => ({ items: [] })),
    api<{ items: { name: string }[] }>('GET', '/api/v1/clusters').catch(() => ({ items: [] })),
  ]).then(([p, c]) => ({ projects: p.items.map((i) => i.metadata?.name ?? i.name ?? '').filter(Boolean).sort(), clusters: c.items.map((i) => i.name).sort() }));
  return namesOf;
}

function TextFilter({ label, value, placeholder, onChange }: { label: string; value: string; placeholder?: string; onChange: (v: string) => void }) {
  const [text, setText] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => setText(value), [value]);
  const changed = (next: string) => {
    setText(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => onChange(next), 300);
  };
  return <label>{label}<input type="search" value={text} placeholder={placeholder} onInput={(e) => changed(e.currentTarget.value)} onKeyDown={(e) => { if (e.key === 'Enter') { clearTimeout(timer.current); onChange(text); } }} /></label>;
}

function Select({ label, value, options, onChange }: { label: string; value: string; options: readonly string[]; onChange: (v: string) => void }) {
  const all = value !== '' && !options.includes(value) ? [value, ...options] : options;
  return (
    <label>{label}
      <select value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">All</option>
        {all.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </label>
  );
}

/** The filter controls; `onChange` gets the field changed and its new value. */
export function FilterBar({ filters, onChange }: { filters: AppFilters; onChange: (key: FilterKey, value: string) => void }) {
  const [names, setNames] = useState<{ projects: string[]; clusters: string[] }>({ projects: [], clusters: [] });
  // Read after the list's first page had the hub to itself (they only fill the two selects).
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => void choices().then((n) => { if (live) setNames(n); }), 400);
    return () => { live = false; clearTimeout(timer); };
  }, []);
  return (
    <div class="filters" role="search" aria-label="Filters">
      <Select label="Project" value={filters.project} options={names.projects} onChange={(v) => onChange('project', v)} />
      <Select label="Cluster" value={filters.cluster} options={names.clusters} onChange={(v) => onChange('cluster', v)} />
      <TextFilter label="Namespace" value={filters.namespace} onChange={(v) => onChange('namespace', v)} />
      <Select label="Sync" value={filters.sync} options={SYNC_STATUSES} onChange={(v) => onChange('sync', v)} />
      <Select label="Health" value={filters.health} options={HEALTH_STATUSES} onChange={(v) => onChange('health', v)} />
      <TextFilter label="Labels" value={filters.selector} placeholder="env=prod,tier!=db" onChange={(v) => onChange('selector', v)} />
      <TextFilter label="Search" value={filters.search} placeholder="name" onChange={(v) => onChange('search', v)} />
    </div>
  );
}
