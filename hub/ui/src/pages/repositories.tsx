// Repositories: the registered ones (credentials are never shown), and Add where RBAC allows.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/alert.tsx';
import { GuardedButton } from '../components/guarded-button.tsx';
import { Time } from '../components/time.tsx';

interface Repository {
  repo: string;
  type?: string;
  username?: string;
  hasCredentials?: boolean;
  createdAt?: string;
}

/** The repositories page. */
export function RepositoriesPage() {
  const [items, setItems] = useState<Repository[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [adding, setAdding] = useState(false);
  const load = () => api<{ items: Repository[] }>('GET', '/api/v1/repositories').then((r) => setItems(r.items)).catch(setError);
  useEffect(() => void load(), []);
  return (
    <>
      <div class="title-row"><h1>Repositories</h1><GuardedButton resource="repositories" action="create" object="*" class="primary" onClick={() => setAdding(true)}>Add repository</GuardedButton></div>
      <ErrorAlert error={error} />
      {adding && <AddRepository onClose={() => setAdding(false)} onDone={() => { setAdding(false); void load(); }} />}
      {items && items.length === 0 && <p class="muted">No repositories registered: public repositories need none; register one for its credentials.</p>}
      {items && items.length > 0 && (
        <table aria-label="Repositories" class="grid">
          <thead><tr><th scope="col">URL</th><th scope="col">Type</th><th scope="col">Username</th><th scope="col">Credentials</th><th scope="col">Added</th></tr></thead>
          <tbody>{items.map((r) => <tr key={r.repo}><td class="mono wrap">{r.repo}</td><td>{r.type ?? 'git'}</td><td>{r.username ?? ''}</td><td>{r.hasCredentials ? 'yes' : 'no'}</td><td><Time at={r.createdAt} /></td></tr>)}</tbody>
        </table>
      )}
    </>
  );
}

function AddRepository({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const [url, setUrl] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await api('POST', '/api/v1/repositories', { url: url.trim(), ...(username ? { username } : {}), ...(password ? { password } : {}) });
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form class="box stack" aria-label="Add repository" onSubmit={(e) => void submit(e)}>
      <h2>Add repository</h2>
      <label>Repository URL<input required type="url" value={url} placeholder="https://git.example.com/team/apps.git" onInput={(e) => setUrl(e.currentTarget.value)} /></label>
      <label>Username<input value={username} autocomplete="off" onInput={(e) => setUsername(e.currentTarget.value)} /></label>
      <label>Password or token<input type="password" value={password} autocomplete="new-password" onInput={(e) => setPassword(e.currentTarget.value)} /></label>
      <ErrorAlert error={error} />
      <div class="row"><button type="submit" class="primary">Add</button><button type="button" onClick={onClose}>Cancel</button></div>
    </form>
  );
}
