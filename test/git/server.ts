// A real smart-HTTP Git server for tests and the demo: `git http-backend` (CGI) behind a small Node
// HTTP server on loopback, serving bare repositories under one root, with optional basic auth, and
// helpers that commit and push changes the way a user would.
import { spawn, execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { recordSecret, recordSecretsInText } from '../support/secret-ledger.ts';

/** Basic-auth credentials a server may demand. */
export interface BasicAuth {
  username: string;
  password: string;
}

/** A symbolic link to commit (mode 120000), pointing at `symlink` as written (it may lead anywhere). */
export interface SymlinkChange {
  symlink: string;
}

/** Files to write (path → content), symbolic links to make (path → { symlink }) or paths to delete (path → null) in one commit. */
export type FileChanges = Record<string, string | SymlinkChange | null>;

/** A running Git server. */
export interface GitServer {
  /** Base URL; a repo named `apps` is at `${url}/apps.git`. */
  url: string;
  root: string;
  /** Creates a bare repo from files or a fixture directory, with one commit on `branch` (default main). */
  createRepo(name: string, content: FileChanges | string, options?: { branch?: string }): string;
  /** Commits changes to a branch (default main) and pushes; returns the new commit SHA. */
  commit(name: string, changes: FileChanges, message?: string, options?: { branch?: string }): string;
  /** Tags the head of a branch (default main) and pushes the tag; returns the tagged SHA. */
  tag(name: string, tag: string, options?: { branch?: string }): string;
  /** The SHA a ref (branch or tag) points at in the served repo. */
  revParse(name: string, ref: string): string;
  /** How many HTTP requests the server has answered, by repo name. */
  requests: Map<string, number>;
  close(): Promise<void>;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Flotilla Test',
  GIT_AUTHOR_EMAIL: 'test@flotilla.invalid',
  GIT_COMMITTER_NAME: 'Flotilla Test',
  GIT_COMMITTER_EMAIL: 'test@flotilla.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Starts a Git server on 127.0.0.1 (port 0 = any free port). */
export async function startGitServer(options: { auth?: BasicAuth; port?: number; root?: string } = {}): Promise<GitServer> {
  const owned = options.root === undefined;
  if (options.auth) recordSecret('git server password', options.auth.password);
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'flotilla-git-'));
  const reposDir = join(root, 'repos');
  const workDir = join(root, 'work');
  mkdirSync(reposDir, { recursive: true });
  mkdirSync(workDir, { recursive: true });
  const requests = new Map<string, number>();

  const server: Server = createServer((req, res) => {
    const repo = /^\/([^/]+?)(\.git)?\//.exec(req.url ?? '')?.[1] ?? '';
    requests.set(repo, (requests.get(repo) ?? 0) + 1);
    if (options.auth && !isAuthorized(req, options.auth)) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="flotilla-test"' }).end('authentication required\n');
      return;
    }
    serveCgi(req, res, reposDir);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const workTree = (name: string) => join(workDir, name);

  const checkout = (name: string, branch: string) => {
    const work = workTree(name);
    const branches = git(work, 'branch', '--list', branch);
    if (branches) git(work, 'checkout', '-q', branch);
    else if (git(work, 'ls-remote', '--heads', 'origin', branch)) git(work, 'checkout', '-q', '-B', branch, `origin/${branch}`);
    else git(work, 'checkout', '-q', '-b', branch);
  };

  const applyChanges = (work: string, changes: FileChanges) => {
    for (const [path, content] of Object.entries(changes)) {
      const file = join(work, path);
      if (content === null) {
        rmSync(file, { force: true, recursive: true });
        continue;
      }
      mkdirSync(dirname(file), { recursive: true });
      if (typeof content === 'string') {
        recordSecretsInText(`git ${path}`, content); // a Secret's values join the suite's ledger (test/support/secret-ledger.ts)
        writeFileSync(file, content);
      } else {
        rmSync(file, { force: true, recursive: true });
        symlinkSync(content.symlink, file);
      }
    }
  };

  return {
    url,
    root,
    requests,
    createRepo(name, content, opts = {}) {
      const branch = opts.branch ?? 'main';
      const bare = join(reposDir, `${name}.git`);
      if (existsSync(bare)) throw new Error(`repo ${name} exists already`);
      git(reposDir, 'init', '-q', '--bare', '-b', branch, bare);
      git(bare, 'config', 'http.receivepack', 'true');
      const work = workTree(name);
      git(workDir, 'init', '-q', '-b', branch, work);
      git(work, 'remote', 'add', 'origin', bare);
      // Symbolic links are copied as written (cpSync would otherwise make relative targets absolute).
      if (typeof content === 'string') cpSync(content, work, { recursive: true, verbatimSymlinks: true });
      else applyChanges(work, content);
      git(work, 'add', '-A');
      git(work, 'commit', '-q', '--allow-empty', '-m', 'initial commit');
      git(work, 'push', '-q', 'origin', branch);
      return git(work, 'rev-parse', 'HEAD');
    },
    commit(name, changes, message = 'update', opts = {}) {
      const work = workTree(name);
      checkout(name, opts.branch ?? 'main');
      applyChanges(work, changes);
      git(work, 'add', '-A');
      git(work, 'commit', '-q', '--allow-empty', '-m', message);
      git(work, 'push', '-q', 'origin', `HEAD:refs/heads/${opts.branch ?? 'main'}`);
      return git(work, 'rev-parse', 'HEAD');
    },
    tag(name, tag, opts = {}) {
      const work = workTree(name);
      checkout(name, opts.branch ?? 'main');
      git(work, 'tag', '-f', tag);
      git(work, 'push', '-q', '-f', 'origin', `refs/tags/${tag}`);
      return git(work, 'rev-parse', 'HEAD');
    },
    revParse(name, ref) {
      return git(join(reposDir, `${name}.git`), 'rev-parse', ref);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (owned) rmSync(root, { recursive: true, force: true });
    },
  };
}

function isAuthorized(req: IncomingMessage, auth: BasicAuth): boolean {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;
  return Buffer.from(header.slice(6), 'base64').toString('utf8') === `${auth.username}:${auth.password}`;
}

/** Runs git http-backend for one request (RFC 3875 CGI) and relays its answer. */
function serveCgi(req: IncomingMessage, res: ServerResponse, projectRoot: string): void {
  const url = new URL(req.url ?? '/', 'http://git.local');
  const cgi = spawn('git', ['http-backend'], {
    env: {
      ...GIT_ENV,
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      REMOTE_USER: 'flotilla-test',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  req.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let headersSent = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    const sep = end >= 0 ? 4 : 2;
    const at = end >= 0 ? end : head.indexOf('\n\n');
    if (at < 0) return;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, at).toString('latin1').split(/\r?\n/)) {
      const i = line.indexOf(':');
      if (i < 0) continue;
      const key = line.slice(0, i).trim().toLowerCase();
      const value = line.slice(i + 1).trim();
      if (key === 'status') status = Number.parseInt(value, 10);
      else headers[key] = value;
    }
    res.writeHead(status, headers);
    headersSent = true;
    res.write(head.subarray(at + sep));
  });
  let stderr = '';
  cgi.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  cgi.on('close', (code) => {
    if (!headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(`git http-backend failed (${code}): ${stderr}`);
    else res.end();
  });
  cgi.on('error', (error) => {
    if (!headersSent) res.writeHead(500).end(String(error));
  });
}
