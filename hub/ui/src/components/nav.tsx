// The main navigation: the pages, who is logged in, and Log out.
import { Link } from './link.tsx';

const PAGES: [href: string, label: string][] = [
  ['/applications', 'Applications'],
  ['/fleet', 'Fleet'],
  ['/clusters', 'Clusters'],
  ['/repositories', 'Repositories'],
  ['/projects', 'Projects'],
  ['/user', 'User info'],
];

/** The navigation bar (role navigation named "Main"). */
export function Nav({ path, username, onLogout }: { path: string; username: string; onLogout: () => void }) {
  return (
    <nav aria-label="Main" class="nav">
      <span class="brand">Flotilla</span>
      <ul>
        {PAGES.map(([href, label]) => (
          <li key={href}><Link href={href} aria-current={path === href || path.startsWith(`${href}/`) ? 'page' : undefined}>{label}</Link></li>
        ))}
      </ul>
      <span class="muted who">{username}</span>
      <button type="button" onClick={onLogout}>Log out</button>
    </nav>
  );
}
