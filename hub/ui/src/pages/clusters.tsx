// Clusters: labels, agent and Kubernetes versions, last heartbeat, connection state (Unknown when
// the agent went quiet), applications on each; "Add cluster" registers one and shows the install command.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { useLive } from '../live.ts';
import { labelText, parseLabels, type ClusterItem } from '../cluster-item.ts';
import { clusterPath } from '../lib/route.ts';
import { ErrorAlert } from '../components/alert.tsx';
import { GuardedButton } from '../components/guarded-button.tsx';
import { Link } from '../components/link.tsx';
import { Time } from '../components/time.tsx';

/** The clusters page. */
export function ClustersPage() {
  const [items, setItems] = useState<ClusterItem[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [adding, setAdding] = useState(false);
  const load = () => api<{ items: ClusterItem[] }>('GET', '/api/v1/clusters').then((r) => { setItems(r.items); setError(undefined); }).catch(setError);
  useEffect(() => void load(), []);
  useLive<ClusterItem>('clusters', {
    onItem: (c) => setItems((list) => list && (list.some((i) => i.name === c.name) ? list.map((i) => (i.name === c.name ? c : i)) : [...list, c].sort((a, b) => a.name.localeCompare(b.name)))),
    onDeleted: (name) => setItems((list) => list?.filter((i) => i.name !== name)),
    poll: () => void load(),
  });
  return (
    <>
      <div class="title-row"><h1>Clusters</h1><GuardedButton resource="clusters" action="create" object="*" class="primary" onClick={() => setAdding(true)}>Add cluster</GuardedButton></div>
      <ErrorAlert error={error} />
      {adding && <AddCluster onDone={() => void load()} onClose={() => setAdding(false)} />}
      {items && items.length === 0 && <p class="muted">No clusters registered.</p>}
      {items && items.length > 0 && (
        <table aria-label="Clusters" class="grid">
          <thead><tr><th scope="col">Name</th><th scope="col">State</th><th scope="col">Labels</th><th scope="col">Agent</th><th scope="col">Kubernetes</th><th scope="col">Last heartbeat</th><th scope="col">Applications</th></tr></thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.name}>
                <td><Link href={clusterPath(c.name)}>{c.name}</Link></td>
                <td><span class={`status conn-${c.info.connectionState?.status ?? 'Unknown'}`} title={c.info.connectionState?.message}>{c.info.connectionState?.status ?? 'Unknown'}</span></td>
                <td>{labelText(c.labels)}</td>
                <td>{c.info.agent?.version ?? ''}</td>
                <td>{c.info.capabilities?.kubeVersion ?? ''}</td>
                <td><Time at={c.info.lastSeenAt} /></td>
                <td><Link href={`/applications?cluster=${encodeURIComponent(c.name)}`}>{c.info.applicationsCount ?? 0}</Link></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function AddCluster({ onDone, onClose }: { onDone: () => void; onClose: () => void }) {
  const [name, setName] = useState('');
  const [labels, setLabels] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [created, setCreated] = useState<{ installCommand: string; expiresAt?: string } | undefined>(undefined);
  const submit = async (event: Event) => {
    event.preventDefault();
    const parsed = parseLabels(labels);
    if (!parsed) {
      setError(new Error('labels must be k=v pairs separated by commas'));
      return;
    }
    try {
      setCreated(await api<{ installCommand: string; expiresAt?: string }>('POST', '/api/v1/clusters', { name: name.trim(), ...(Object.keys(parsed).length ? { labels: parsed } : {}) }));
      setError(undefined);
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  if (created) {
    return (
      <section aria-label="Install the agent" class="box">
        <h2>Install the agent on {name}</h2>
        <p>Run this where the cluster's kubeconfig is; the token in it works once{created.expiresAt ? <>, until <Time at={created.expiresAt} /></> : ''}:</p>
        <pre class="code wrap" aria-label="Install command">{created.installCommand}</pre>
        <button type="button" onClick={onClose}>Done</button>
      </section>
    );
  }
  return (
    <form class="box stack" aria-label="Add cluster" onSubmit={(e) => void submit(e)}>
      <h2>Add cluster</h2>
      <label>Name<input required value={name} onInput={(e) => setName(e.currentTarget.value)} /></label>
      <label>Labels<input value={labels} placeholder="env=prod, region=eu" onInput={(e) => setLabels(e.currentTarget.value)} /></label>
      <ErrorAlert error={error} />
      <div class="row"><button type="submit" class="primary">Register</button><button type="button" onClick={onClose}>Cancel</button></div>
    </form>
  );
}
