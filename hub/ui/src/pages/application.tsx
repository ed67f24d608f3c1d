// One application: its sync and health, Sync / Refresh / Hard refresh / Delete (disabled with the
// reason when the role does not allow them), the resource tree and the selected resource's panel
// (both in the URL: ?resource=&tab=), conditions, the operation with per-wave progress, and the
// orphaned resources of its namespace when its project monitors them; live.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { navigate } from '../navigation.ts';
import { useLive } from '../live.ts';
import type { AppItem } from '../app-list.ts';
import { buildTree, findNode, parseResourceKey, type ResourceNode, type TreeNode } from '../lib/tree.ts';
import { applicationPath, clusterPath } from '../lib/route.ts';
import { shortRevision } from '../lib/fleet-matrix.ts';
import { ErrorAlert } from '../components/alert.tsx';
import { GuardedButton } from '../components/guarded-button.tsx';
import { Link } from '../components/link.tsx';
import { HealthStatus, SyncStatus } from '../components/status.tsx';
import { Time } from '../components/time.tsx';
import { ResourceTree } from '../components/resource-tree.tsx';
import { ResourcePanel, TABS, type AppEvent, type Tab } from '../components/resource-panel.tsx';
import { SyncDialog } from '../components/sync-dialog.tsx';
import { DeleteDialog } from '../components/delete-dialog.tsx';
import { Operation, type OperationState } from '../components/operation-state.tsx';

type Application = AppItem & { status?: AppItem['status'] & { conditions?: { type: string; message: string; lastTransitionTime?: string }[]; operationState?: OperationState; refreshedAt?: string } ; spec: AppItem['spec'] & { syncPolicy?: { automated?: object } } };

/** The application page. */
export function ApplicationPage({ name, query }: { name: string; query: string }) {
  const params = new URLSearchParams(query);
  const resourceParam = params.get('resource') ?? '';
  const tabParam = params.get('tab');
  const tab: Tab = TABS.some(([v]) => v === tabParam) ? (tabParam as Tab) : 'live';
  const [app, setApp] = useState<Application | undefined>(undefined);
  const [nodes, setNodes] = useState<ResourceNode[]>([]);
  const [orphans, setOrphans] = useState<ResourceNode[]>([]);
  const [events, setEvents] = useState<AppEvent[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [dialog, setDialog] = useState<'sync' | 'delete' | undefined>(undefined);
  const treeTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const base = `/api/v1/applications/${encodeURIComponent(name)}`;

  const loadTree = async () => {
    const [tree, evs] = await Promise.all([api<{ nodes: ResourceNode[]; orphanedNodes?: ResourceNode[] }>('GET', `${base}/resource-tree`), api<{ items: AppEvent[] }>('GET', `${base}/events`).catch(() => ({ items: [] as AppEvent[] }))]);
    setNodes(tree.nodes);
    setOrphans(tree.orphanedNodes ?? []);
    setEvents(evs.items);
  };
  const load = async () => {
    try {
      setApp(await api<Application>('GET', base));
      setError(undefined);
      await loadTree();
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    setApp(undefined);
    setNodes([]);
    setOrphans([]);
    void load();
    return () => clearTimeout(treeTimer.current);
  }, [name]);
  useLive<Application>('applications', {
    onItem(item) {
      if (item.metadata.name !== name) return;
      setApp(item);
      // The tree and events follow a status change, at most twice a second.
      clearTimeout(treeTimer.current);
      treeTimer.current = setTimeout(() => void loadTree().catch(() => undefined), 500);
    },
    onDeleted(gone) {
      if (gone === name) setError(new Error(`application "${name}" was deleted`));
    },
    poll: () => void load(),
  });

  const root = useMemo(() => buildTree({ name, sync: app?.status?.sync?.status, health: app?.status?.health?.status, healthMessage: app?.status?.health?.message }, nodes), [name, app, nodes]);
  const selectedKey = parseResourceKey(resourceParam) ? resourceParam : undefined;
  const selected = selectedKey ? findNode(root, selectedKey) : undefined;
  const setUrl = (resource?: string, nextTab?: Tab) => {
    // The resource keeps its slashes in the URL (`resource=apps/Deployment/demo/web`), readable and still one value.
    const parts = resource ? [`resource=${encodeURIComponent(resource).replaceAll('%2F', '/')}`, ...(nextTab && nextTab !== 'live' ? [`tab=${nextTab}`] : [])] : [];
    const text = parts.join('&');
    navigate(`${applicationPath(name)}${text ? `?${text}` : ''}`, Boolean(resourceParam) && Boolean(resource));
  };

  const run = async (label: string, work: () => Promise<Application | unknown>) => {
    setBusy(label);
    setActionError(undefined);
    try {
      const answer = await work();
      if (answer && typeof answer === 'object' && 'metadata' in answer) setApp(answer as Application);
      await loadTree().catch(() => undefined);
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(undefined);
    }
  };

  if (!app) return <><h1>{name}</h1><ErrorAlert error={error} />{!error && <p class="muted">Loading…</p>}</>;
  const project = app.spec.project ?? 'default';
  const object = `${project}/${name}`;
  const cluster = app.status?.cluster?.name;
  const source = app.spec.source ?? app.spec.sources?.[0];
  const resources = root.children.length ? flatten(root).filter((n) => n.resource && !(n.resource.parentRefs?.length)) : [];
  return (
    <>
      <div class="title-row">
        <h1>{name}</h1>
        <div class="actions">
          <GuardedButton resource="applications" action="sync" object={object} class="primary" onClick={() => setDialog('sync')}>Sync</GuardedButton>
          <GuardedButton resource="applications" action="get" object={object} busy={busy !== undefined} onClick={() => void run('refresh', () => api('POST', `${base}/refresh`))}>Refresh</GuardedButton>
          <GuardedButton resource="applications" action="get" object={object} busy={busy !== undefined} onClick={() => void run('hard', () => api('POST', `${base}/refresh?hard=true`))}>Hard refresh</GuardedButton>
          <GuardedButton resource="applications" action="delete" object={object} class="danger" onClick={() => setDialog('delete')}>Delete</GuardedButton>
          <Link href={applicationPath(name, true)} class="button">History</Link>
        </div>
      </div>
      <ErrorAlert error={error} />
      <ErrorAlert error={actionError} />
      {busy && <p class="muted" role="status">{busy === 'hard' ? 'Hard refresh…' : 'Refreshing…'}</p>}
      <dl class="summary">
        <div><dt>Sync</dt><dd><SyncStatus status={app.status?.sync?.status} label="Sync status" /></dd></div>
        <div><dt>Health</dt><dd><HealthStatus status={app.status?.health?.status} message={app.status?.health?.message} label="Health status" /></dd></div>
        <div><dt>Project</dt><dd>{project}</dd></div>
        <div><dt>Cluster</dt><dd>{cluster && cluster !== 'hub' ? <Link href={clusterPath(cluster)}>{cluster}</Link> : cluster}</dd></div>
        <div><dt>Namespace</dt><dd>{app.spec.destination?.namespace ?? ''}</dd></div>
        <div><dt>Source</dt><dd class="mono wrap">{source?.repoURL} {source?.path ?? source?.chart ?? ''} {source?.targetRevision ?? ''}</dd></div>
        <div><dt>Revision</dt><dd class="mono" title={app.status?.sync?.revision}>{shortRevision(app.status?.sync?.revision)}</dd></div>
        <div><dt>Auto-sync</dt><dd>{app.spec.syncPolicy?.automated ? 'on' : 'off'}</dd></div>
        <div><dt>Reconciled</dt><dd><Time at={app.status?.reconciledAt} /></dd></div>
      </dl>
      {app.status?.health?.message && <p class="muted">{app.status.health.message}</p>}
      <section aria-label="Conditions list" class="box">
        <h2>Conditions</h2>
        {app.status?.conditions?.length
          ? <ul aria-label="Conditions">{app.status.conditions.map((c, i) => <li key={i}><strong>{c.type}</strong>: {c.message} {c.lastTransitionTime && <Time at={c.lastTransitionTime} />}</li>)}</ul>
          : <ul aria-label="Conditions" class="muted"><li>None</li></ul>}
      </section>
      <Operation state={app.status?.operationState} />
      <div class={selected ? 'split' : ''}>
        <section class="box" aria-label="Resource tree">
          <h2>Resources</h2>
          <ResourceTree root={root} selected={selected?.key} onSelect={(n) => setUrl(n.key === root.key ? undefined : n.key, tab)} />
        </section>
        {selected && <ResourcePanel app={name} node={selected} tab={tab} events={events} onTab={(t) => setUrl(selected.key, t)} onClose={() => setUrl(undefined)} />}
      </div>
      {orphans.length > 0 && (
        <section class="box" aria-label="Orphaned resources list">
          <h2>Orphaned resources</h2>
          <p class="muted">In the namespace, managed by no application (the project's orphanedResources); only reported, never changed.</p>
          <table aria-label="Orphaned resources" class="grid">
            <thead><tr><th>Kind</th><th>Namespace</th><th>Name</th><th>Owned by</th></tr></thead>
            <tbody>{orphans.map((o) => <tr key={`${o.group}/${o.kind}/${o.namespace ?? ''}/${o.name}`}><td>{o.group ? `${o.kind}.${o.group}` : o.kind}</td><td>{o.namespace ?? ''}</td><td class="mono">{o.name}</td><td>{o.parentRefs?.[0] ? `${o.parentRefs[0].kind} ${o.parentRefs[0].name}` : ''}</td></tr>)}</tbody>
          </table>
        </section>
      )}
      {dialog === 'sync' && <SyncDialog app={name} resources={resources} onClose={() => setDialog(undefined)} onDone={() => { setDialog(undefined); void load(); }} />}
      {dialog === 'delete' && <DeleteDialog app={name} onClose={() => setDialog(undefined)} onDone={() => { setDialog(undefined); navigate('/applications'); }} />}
    </>
  );
}

function flatten(node: TreeNode): TreeNode[] {
  return [node, ...node.children.flatMap(flatten)];
}

