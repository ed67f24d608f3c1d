// The shell: who is logged in (GET /api/v1/session/userinfo), the navigation, and the page the URL names.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import { forgetPermissions } from './can-i.ts';
import { navigate, useLocation } from './navigation.ts';
import { matchRoute } from './lib/route.ts';
import { Nav } from './components/nav.tsx';
import { ErrorAlert } from './components/alert.tsx';
import { LoginPage } from './pages/login.tsx';
import { ApplicationsPage } from './pages/applications.tsx';
import { ApplicationPage } from './pages/application.tsx';
import { HistoryPage } from './pages/history.tsx';
import { FleetPage } from './pages/fleet.tsx';
import { ClustersPage } from './pages/clusters.tsx';
import { ClusterPage } from './pages/cluster.tsx';
import { RepositoriesPage } from './pages/repositories.tsx';
import { ProjectsPage } from './pages/projects.tsx';
import { UserPage } from './pages/user.tsx';

/** The logged-in account. */
export interface UserInfo {
  username: string;
  groups: string[];
}

/** The whole UI. */
export function App() {
  const { path, query } = useLocation();
  const route = matchRoute(path);
  const [user, setUser] = useState<UserInfo | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    if (route.page === 'login' || user) return;
    api<UserInfo>('GET', '/api/v1/session/userinfo', undefined, { redirectOn401: false })
      .then((info) => setUser(info))
      .catch((e: unknown) => {
        if ((e as { status?: number }).status === 401) navigate(`/login?return_to=${encodeURIComponent(path + query)}`, true);
        else setError(e);
      });
  }, [route.page, user]);

  useEffect(() => {
    document.title = route.page === 'application' || route.page === 'history' || route.page === 'cluster' ? `${route.name} · Flotilla` : 'Flotilla';
  }, [path]);

  const logout = async () => {
    try {
      await api('DELETE', '/api/v1/session');
    } catch {
      // the cookie is cleared either way on the next login
    }
    forgetPermissions();
    setUser(undefined);
    navigate('/login');
  };

  if (route.page === 'login') return <main class="login-main"><LoginPage query={query} onLoggedIn={(u) => { forgetPermissions(); setUser(u); }} /></main>;
  // The page starts loading at once, beside the userinfo check (a 401 from either goes to the login page).
  if (error) return <main class="page"><ErrorAlert error={error} /></main>;
  return (
    <>
      <Nav path={path} username={user?.username ?? ''} onLogout={() => void logout()} />
      <main class="page">
        {route.page === 'applications' && <ApplicationsPage query={query} />}
        {route.page === 'application' && <ApplicationPage name={route.name} query={query} />}
        {route.page === 'history' && <HistoryPage name={route.name} />}
        {route.page === 'fleet' && <FleetPage query={query} />}
        {route.page === 'clusters' && <ClustersPage />}
        {route.page === 'cluster' && <ClusterPage name={route.name} />}
        {route.page === 'repositories' && <RepositoriesPage />}
        {route.page === 'projects' && <ProjectsPage />}
        {route.page === 'user' && (user ? <UserPage user={user} onLogout={() => void logout()} /> : <p class="muted">Loading…</p>)}
        {route.page === 'not-found' && <><h1>Not found</h1><div role="alert" class="alert">No page at {route.path}.</div></>}
      </main>
    </>
  );
}
