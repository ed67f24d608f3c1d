// Canonical Git repository URLs: the one key under which a webhook's repository, an application's
// spec.source.repoURL and a registered repository are compared, whatever URL form each was written in.

/** Ports a scheme uses when none is written; such a port is dropped from the canonical form. */
const DEFAULT_PORTS: Record<string, string> = {
  http: '80',
  https: '443',
  ssh: '22',
  'git+ssh': '22',
  'ssh+git': '22',
  git: '9418',
};

/** `scheme://authority/path?query#fragment`. */
const URL_WITH_SCHEME = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/i;

/** scp-like SSH: `user@host:path` (a user is required, as in Argo CD's IsSSHURL, so `host:8443/x` stays a host and port). */
const SCP_LIKE = /^([^@/:]+)@([^/:]+):(.*)$/;

/**
 * Canonical form of a Git repository URL: `host[:port]/path` for http(s), ssh, git and scp-like URLs,
 * with scheme and host lowercased away, user info, query, fragment, default port, trailing `/` and `.git` dropped,
 * and the path's case kept. Unrecognised input is returned trimmed, with trailing `/` and `.git` dropped.
 */
export function normalizeRepoUrl(url: string): string {
  const input = url.trim();
  if (input === '') return '';

  const withScheme = URL_WITH_SCHEME.exec(input);
  if (withScheme) {
    const scheme = withScheme[1]!.toLowerCase();
    const authority = withScheme[2]!;
    const path = trimRepoPath(withScheme[3]!);
    const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
    const { host, port } = splitHostPort(hostPort);
    const keptPort = port === '' || port === DEFAULT_PORTS[scheme] ? '' : `:${port}`;
    const location = `${host.toLowerCase()}${keptPort}`;
    if (scheme in DEFAULT_PORTS) return joinHostPath(location, path);
    return `${scheme}://${location}${path === '' ? '' : '/' + path.replace(/^\/+/, '')}`;
  }

  const scp = SCP_LIKE.exec(input);
  if (scp) return joinHostPath(scp[2]!.toLowerCase(), trimRepoPath(scp[3]!));

  // Already canonical (`host[:port]/path`) or a local path: lowercase only a host-looking first segment.
  const trimmed = trimRepoPath(input);
  const slash = trimmed.indexOf('/');
  if (slash <= 0) return trimmed;
  const first = trimmed.slice(0, slash);
  const hostLike = /^[A-Za-z0-9.-]+(:\d+)?$/.test(first) && first !== '.' && first !== '..';
  return hostLike ? `${first.toLowerCase()}${trimmed.slice(slash)}` : trimmed;
}

/** Whether two repository URLs name the same repository (both non-empty and equal once normalized). */
export function isSameRepo(a: string, b: string): boolean {
  const left = normalizeRepoUrl(a);
  const right = normalizeRepoUrl(b);
  return left !== '' && left === right;
}

/** Drops trailing slashes and one trailing `.git` (with slashes after it). */
function trimRepoPath(path: string): string {
  let p = path.replace(/\/+$/, '');
  if (p.endsWith('.git')) p = p.slice(0, -'.git'.length).replace(/\/+$/, '');
  return p;
}

/** Splits `host:port`, `[v6]:port` or `host`; a port is normalised to its decimal digits. */
function splitHostPort(hostPort: string): { host: string; port: string } {
  const bracketed = /^(\[[^\]]*\])(?::(\d*))?$/.exec(hostPort);
  if (bracketed) return { host: bracketed[1]!, port: cleanPort(bracketed[2] ?? '') };
  const colon = hostPort.lastIndexOf(':');
  if (colon >= 0 && /^\d*$/.test(hostPort.slice(colon + 1))) {
    return { host: hostPort.slice(0, colon), port: cleanPort(hostPort.slice(colon + 1)) };
  }
  return { host: hostPort, port: '' };
}

/** `"0022"` → `"22"`, `""` stays `""`. */
function cleanPort(port: string): string {
  return port === '' ? '' : String(Number.parseInt(port, 10));
}

/** `host` + `/` + path without its leading slashes (scp-like `host:/abs` and `host:rel` coincide). */
function joinHostPath(location: string, path: string): string {
  const rest = path.replace(/^\/+/, '');
  return rest === '' ? location : `${location}/${rest}`;
}
