// One cluster: its state, versions, labels and heartbeat, and the applications on it.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { labelText, type ClusterItem } from '../cluster-item.ts';
import { applicationPath } from '../lib/route.ts';
import type { AppItem } from '../app-list.ts';
import { ErrorAlert } from '../components/alert.tsx';
import { Link } from '../components/link.tsx';
import { HealthStatus, SyncStatus } from '../components/status.tsx';
import { Time } from '../components/time.tsx';

/** The cluster page. */
export function ClusterPage({ name }: { name: string }) {
  const [cluster, setCluster] = useState<ClusterItem | undefined>(undefined);
  const [apps, setApps] = useState<{ items: AppItem[]; metadata?: { continue?: string } } | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    api<ClusterItem>('GET', `/api/v1/clusters/${encodeURIComponent(name)}`).then(setCluster).catch(setError);
    api<{ items: AppItem[] }>('GET', `/api/v1/applications?cluster=${encodeURIComponent(name)}&limit=200`).then(setApps).catch(setError);
  }, [name]);
  return (
    <>
      <h1>{name}</h1>
      <ErrorAlert error={error} />
      {cluster && (
        <dl class="summary">
          <div><dt>State</dt><dd><span class={`status conn-${cluster.info.connectionState?.status ?? 'Unknown'}`}>{cluster.info.connectionState?.status ?? 'Unknown'}</span> {cluster.info.connectionState?.message}</dd></div>
          <div><dt>Labels</dt><dd>{labelText(cluster.labels)}</dd></div>
          <div><dt>Agent</dt><dd>{cluster.info.agent?.version ?? ''}</dd></div>
          <div><dt>Kubernetes</dt><dd>{cluster.info.capabilities?.kubeVersion ?? ''}</dd></div>
          <div><dt>Last heartbeat</dt><dd><Time at={cluster.info.lastSeenAt} /></dd></div>
          <div><dt>Server</dt><dd class="mono">{cluster.server ?? ''}</dd></div>
          <div><dt>Registered</dt><dd><Time at={cluster.createdAt} /></dd></div>
        </dl>
      )}
      <h2>Applications</h2>
      {apps && apps.items.length === 0 && <p class="muted">No applications on this cluster.</p>}
      {apps && apps.items.length > 0 && (
        <table aria-label="Applications" class="grid">
          <thead><tr><th scope="col">Name</th><th scope="col">Namespace</th><th scope="col">Sync</th><th scope="col">Health</th></tr></thead>
          <tbody>{apps.items.map((a) => (
            <tr key={a.metadata.name}><td><Link href={applicationPath(a.metadata.name)}>{a.metadata.name}</Link></td><td>{a.spec.destination?.namespace ?? ''}</td><td><SyncStatus status={a.status?.sync?.status} /></td><td><HealthStatus status={a.status?.health?.status} /></td></tr>
          ))}</tbody>
        </table>
      )}
      {apps?.metadata?.continue && <p><Link href={`/applications?cluster=${encodeURIComponent(name)}`}>All applications on {name}</Link></p>}
    </>
  );
}
