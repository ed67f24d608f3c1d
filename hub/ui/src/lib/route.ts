// The UI's pages as data: a URL path is matched to one route (pure; the history API and the
// components live elsewhere). Every page has a deep link; names in paths are URI-encoded.

/** One page of the UI and the names its path carries. */
export type Route =
  | { page: 'login' }
  | { page: 'applications' }
  | { page: 'application'; name: string }
  | { page: 'history'; name: string }
  | { page: 'fleet' }
  | { page: 'clusters' }
  | { page: 'cluster'; name: string }
  | { page: 'repositories' }
  | { page: 'projects' }
  | { page: 'user' }
  | { page: 'not-found'; path: string };

const decode = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

/** The route a path names (`/` is the applications list; a trailing slash is ignored). */
export function matchRoute(path: string): Route {
  const parts = path.replace(/\/+$/, '').split('/').slice(1);
  const [first = '', second, third, ...rest] = parts;
  if (rest.length) return { page: 'not-found', path };
  const name = second === undefined ? undefined : decode(second);
  if (second !== undefined && (name === undefined || name === '')) return { page: 'not-found', path };
  switch (first) {
    case '':
      return parts.length <= 1 ? { page: 'applications' } : { page: 'not-found', path };
    case 'applications':
      if (name === undefined) return { page: 'applications' };
      if (third === undefined) return { page: 'application', name };
      return third === 'history' ? { page: 'history', name } : { page: 'not-found', path };
    case 'clusters':
      if (third !== undefined) return { page: 'not-found', path };
      return name === undefined ? { page: 'clusters' } : { page: 'cluster', name };
    case 'login': case 'fleet': case 'repositories': case 'projects': case 'user':
      return name === undefined ? { page: first } : { page: 'not-found', path };
    default:
      return { page: 'not-found', path };
  }
}

/** The path of an application's page (or its history). */
export function applicationPath(name: string, history = false): string {
  return `/applications/${encodeURIComponent(name)}${history ? '/history' : ''}`;
}

/** The path of a cluster's page. */
export function clusterPath(name: string): string {
  return `/clusters/${encodeURIComponent(name)}`;
}

/** Where to go after logging in: a path on this site only (no `//host`, no scheme), else the applications list. */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || value.startsWith('/login')) return '/applications';
  return value;
}
