// Projects (AppProjects): what each permits, and Add where RBAC allows.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/alert.tsx';
import { GuardedButton } from '../components/guarded-button.tsx';
import { Link } from '../components/link.tsx';

interface Project {
  metadata: { name: string };
  spec: { description?: string; sourceRepos?: string[]; destinations?: { name?: string; server?: string; namespace?: string }[]; syncWindows?: unknown[]; roles?: { name: string }[] };
}

const destinationText = (d: { name?: string; server?: string; namespace?: string }) => `${d.name ?? d.server ?? '*'} / ${d.namespace ?? '*'}`;

/** The projects page. */
export function ProjectsPage() {
  const [items, setItems] = useState<Project[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [adding, setAdding] = useState(false);
  const load = () => api<{ items: Project[] }>('GET', '/api/v1/projects').then((r) => setItems(r.items)).catch(setError);
  useEffect(() => void load(), []);
  return (
    <>
      <div class="title-row"><h1>Projects</h1><GuardedButton resource="projects" action="create" object="*" class="primary" onClick={() => setAdding(true)}>Add project</GuardedButton></div>
      <ErrorAlert error={error} />
      {adding && <AddProject onClose={() => setAdding(false)} onDone={() => { setAdding(false); void load(); }} />}
      {items && items.length > 0 && (
        <table aria-label="Projects" class="grid">
          <thead><tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Source repositories</th><th scope="col">Destinations</th><th scope="col">Roles</th><th scope="col">Sync windows</th></tr></thead>
          <tbody>{items.map((p) => (
            <tr key={p.metadata.name}>
              <td><Link href={`/applications?project=${encodeURIComponent(p.metadata.name)}`}>{p.metadata.name}</Link></td>
              <td>{p.spec.description ?? ''}</td>
              <td class="mono wrap">{(p.spec.sourceRepos ?? []).join(', ')}</td>
              <td class="mono wrap">{(p.spec.destinations ?? []).map(destinationText).join(', ')}</td>
              <td>{(p.spec.roles ?? []).map((r) => r.name).join(', ')}</td>
              <td>{p.spec.syncWindows?.length ?? 0}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
    </>
  );
}

const list = (text: string) => text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);

function AddProject({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [repos, setRepos] = useState('');
  const [destinations, setDestinations] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (event: Event) => {
    event.preventDefault();
    // A destination line is `cluster namespace` (either may be `*`); a URL names the cluster by server.
    const parsed = list(destinations).map((line) => {
      const [cluster = '*', namespace = '*'] = line.split(/\s+/);
      return { ...(/^https?:\/\//.test(cluster) ? { server: cluster } : { name: cluster }), namespace };
    });
    try {
      await api('POST', '/api/v1/projects', {
        apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: name.trim() },
        spec: { ...(description ? { description } : {}), sourceRepos: list(repos), destinations: parsed },
      });
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form class="box stack" aria-label="Add project" onSubmit={(e) => void submit(e)}>
      <h2>Add project</h2>
      <label>Name<input required value={name} onInput={(e) => setName(e.currentTarget.value)} /></label>
      <label>Description<input value={description} onInput={(e) => setDescription(e.currentTarget.value)} /></label>
      <label>Source repositories (one per line, globs allowed)<textarea rows={3} value={repos} onInput={(e) => setRepos(e.currentTarget.value)} /></label>
      <label>Destinations (one per line: cluster namespace)<textarea rows={3} value={destinations} placeholder="edge-1 team-a" onInput={(e) => setDestinations(e.currentTarget.value)} /></label>
      <ErrorAlert error={error} />
      <div class="row"><button type="submit" class="primary">Add</button><button type="button" onClick={onClose}>Cancel</button></div>
    </form>
  );
}
