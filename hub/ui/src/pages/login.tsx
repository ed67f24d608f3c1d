// Login: a local account's username and password (POST /api/v1/session), and "Log in with SSO"
// when the hub has OIDC configured (GET /api/v1/settings answers {sso: {name}}; a 404 is no SSO).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { navigate } from '../navigation.ts';
import { safeReturnTo } from '../lib/route.ts';
import { ErrorAlert } from '../components/alert.tsx';
import type { UserInfo } from '../app.tsx';

/** The login page. */
export function LoginPage({ query, onLoggedIn }: { query: string; onLoggedIn: (user: UserInfo) => void }) {
  const returnTo = safeReturnTo(new URLSearchParams(query).get('return_to'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [sso, setSso] = useState<{ name: string } | undefined>(undefined);

  useEffect(() => {
    api<{ sso?: { name: string } }>('GET', '/api/v1/settings', undefined, { redirectOn401: false }).then((s) => setSso(s?.sso)).catch(() => setSso(undefined));
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await api<{ username: string }>('POST', '/api/v1/session', { username, password }, { redirectOn401: false });
      const info = await api<UserInfo>('GET', '/api/v1/session/userinfo', undefined, { redirectOn401: false }).catch(() => ({ username: session.username, groups: [] }));
      onLoggedIn(info);
      navigate(returnTo, true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="login" onSubmit={(e) => void submit(e)}>
      <h1>Flotilla</h1>
      <label>Username<input name="username" autocomplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} /></label>
      <label>Password<input name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} /></label>
      <ErrorAlert error={error} />
      <button type="submit" class="primary" disabled={busy}>Log in</button>
      {sso && <button type="button" onClick={() => { location.href = `/auth/login?return_to=${encodeURIComponent(returnTo)}`; }}>Log in with SSO</button>}
      {sso && <p class="muted">Single sign-on: {sso.name}</p>}
    </form>
  );
}
