// Git push webhooks (GitHub, GitLab, Gitea, Bitbucket Server): which provider sent one, whether its signature
// holds, and what it says was pushed. Pure: headers and raw body in, a verdict out; the HTTP route answers it.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** A provider this module understands. */
export type WebhookProvider = 'github' | 'gitlab' | 'gitea' | 'bitbucket-server';

/** Per-provider shared secrets; a provider without one accepts unsigned requests. */
export interface WebhookSecrets {
  github?: string;
  gitlab?: string;
  gitea?: string;
  bitbucketServer?: string;
}

/** A verified push, an event to answer 200 and otherwise ignore, or a request to refuse. */
export type WebhookResult =
  | {
      kind: 'push';
      provider: WebhookProvider;
      /** Every repository URL form the payload gives (web, HTTP clone, SSH clone), deduplicated, unnormalized. */
      repoUrls: string[];
      /** The full ref, e.g. `refs/heads/main`. */
      ref?: string;
      branch?: string;
      tag?: string;
      /** The commit the ref points to after the push; absent when the ref was deleted. */
      commit?: string;
      /** Files added, modified or removed by the pushed commits; empty when the payload does not list them all. */
      changedFiles: string[];
    }
  | { kind: 'ignored'; provider: WebhookProvider; reason: string }
  | { kind: 'rejected'; status: 400 | 401; reason: string };

/** Request headers as Node gives them: any case, a value or a list of values. */
export type WebhookHeaders = Record<string, string | string[] | undefined>;

type Json = Record<string, unknown>;

const ZERO_SHA = /^0+$/;

/** Detects the provider from its event header, verifies the signature, then parses a push. */
export function parsePushWebhook(headers: WebhookHeaders, rawBody: Buffer, secrets: WebhookSecrets): WebhookResult {
  const header = headerReader(headers);
  // Gitea also sends X-GitHub-Event and X-Gogs-Event, so it is looked for first (Argo CD checks Gogs before GitHub).
  const giteaEvent = header('x-gitea-event');
  if (giteaEvent !== undefined) return parseGitea(giteaEvent, header, rawBody, secrets.gitea);
  const githubEvent = header('x-github-event');
  if (githubEvent !== undefined) return parseGitHub(githubEvent, header, rawBody, secrets.github);
  const gitlabEvent = header('x-gitlab-event');
  if (gitlabEvent !== undefined) return parseGitLab(gitlabEvent, header, rawBody, secrets.gitlab);
  if (header('x-hook-uuid') !== undefined) {
    return reject(400, 'Bitbucket Cloud webhooks (X-Hook-UUID) are not supported');
  }
  const eventKey = header('x-event-key');
  if (eventKey !== undefined) return parseBitbucketServer(eventKey, header, rawBody, secrets.bitbucketServer);
  return reject(400, 'unknown webhook provider: expected an X-GitHub-Event, X-Gitlab-Event, X-Gitea-Event or X-Event-Key header');
}

function parseGitHub(event: string, header: HeaderReader, body: Buffer, secret: string | undefined): WebhookResult {
  if (secret) {
    const sha256 = header('x-hub-signature-256');
    const sha1 = header('x-hub-signature');
    const failure =
      sha256 !== undefined || sha1 === undefined
        ? checkHmac('X-Hub-Signature-256', sha256, 'sha256=', 'sha256', secret, body)
        : checkHmac('X-Hub-Signature', sha1, 'sha1=', 'sha1', secret, body);
    if (failure) return reject(401, failure);
  }
  if (event !== 'push') return ignore('github', event === 'ping' ? 'ping event' : `event "${event}" is not a push`);
  return githubLikePush('github', body);
}

function parseGitea(event: string, header: HeaderReader, body: Buffer, secret: string | undefined): WebhookResult {
  if (secret) {
    const failure = checkHmac('X-Gitea-Signature', header('x-gitea-signature'), '', 'sha256', secret, body);
    if (failure) return reject(401, failure);
  }
  if (event !== 'push') return ignore('gitea', `event "${event}" is not a push`);
  return githubLikePush('gitea', body);
}

function parseGitLab(event: string, header: HeaderReader, body: Buffer, secret: string | undefined): WebhookResult {
  if (secret) {
    const token = header('x-gitlab-token');
    if (token === undefined) return reject(401, 'missing X-Gitlab-Token header (a GitLab webhook secret is configured)');
    if (!safeEqual(token, secret)) return reject(401, 'X-Gitlab-Token does not match the configured GitLab webhook secret');
  }
  const isSystemHook = event === 'System Hook';
  if (event !== 'Push Hook' && event !== 'Tag Push Hook' && !isSystemHook) {
    return ignore('gitlab', `event "${event}" is not a push`);
  }
  const payload = parseJson(body);
  if (typeof payload === 'string') return reject(400, payload);
  if (isSystemHook) {
    const kind = str(payload['event_name']) ?? str(payload['object_kind']);
    if (kind !== 'push' && kind !== 'tag_push') return ignore('gitlab', `system hook "${kind ?? 'unknown'}" is not a push`);
  }
  const project = obj(payload['project']);
  const repository = obj(payload['repository']);
  const repoUrls = unique([
    str(project['git_http_url']), str(project['git_ssh_url']), str(project['web_url']),
    str(project['http_url']), str(project['ssh_url']),
    str(repository['git_http_url']), str(repository['git_ssh_url']), str(repository['homepage']),
  ]);
  const commits = arr(payload['commits']);
  const total = payload['total_commits_count'];
  // GitLab lists at most 20 commits; when some are missing, the file list would be partial, so give none.
  const complete = typeof total !== 'number' || total <= commits.length;
  const commit = str(payload['checkout_sha']) ?? str(payload['after']);
  return push('gitlab', repoUrls, str(payload['ref']), commit, complete ? changedFilesOf(commits) : []);
}

function parseBitbucketServer(event: string, header: HeaderReader, body: Buffer, secret: string | undefined): WebhookResult {
  if (secret) {
    const failure = checkHmac('X-Hub-Signature', header('x-hub-signature'), 'sha256=', 'sha256', secret, body);
    if (failure) return reject(401, failure);
  }
  if (event !== 'repo:refs_changed') {
    return ignore('bitbucket-server', event === 'diagnostics:ping' ? 'ping event' : `event "${event}" is not a push`);
  }
  const payload = parseJson(body);
  if (typeof payload === 'string') return reject(400, payload);
  const links = obj(obj(payload['repository'])['links']);
  const repoUrls = unique(arr(links['clone']).map((link) => str(obj(link)['href'])));
  // Like Argo CD, the first change names the ref; Bitbucket Server lists no changed files.
  const change = obj(arr(payload['changes'])[0]);
  const ref = str(obj(change['ref'])['id']) ?? str(change['refId']);
  return push('bitbucket-server', repoUrls, ref, str(change['toHash']), []);
}

/** GitHub and Gitea push payloads share a shape: `ref`, `after`, `repository.*_url`, `commits[]`. */
function githubLikePush(provider: 'github' | 'gitea', body: Buffer): WebhookResult {
  const payload = parseJson(body);
  if (typeof payload === 'string') return reject(400, payload);
  const repository = obj(payload['repository']);
  const repoUrls = unique([
    str(repository['html_url']), str(repository['clone_url']), str(repository['ssh_url']), str(repository['git_url']),
  ]);
  return push(provider, repoUrls, str(payload['ref']), str(payload['after']), changedFilesOf(arr(payload['commits'])));
}

function push(
  provider: WebhookProvider, repoUrls: string[], ref: string | undefined, commit: string | undefined, changedFiles: string[],
): WebhookResult {
  if (repoUrls.length === 0) return reject(400, 'push payload names no repository URL');
  const result: WebhookResult = { kind: 'push', provider, repoUrls, changedFiles };
  if (ref !== undefined) {
    result.ref = ref;
    if (ref.startsWith('refs/heads/')) result.branch = ref.slice('refs/heads/'.length);
    else if (ref.startsWith('refs/tags/')) result.tag = ref.slice('refs/tags/'.length);
  }
  if (commit !== undefined && !ZERO_SHA.test(commit)) result.commit = commit;
  return result;
}

/** Union of `added`, `modified` and `removed` over commits, in first-seen order. */
function changedFilesOf(commits: unknown[]): string[] {
  const files: (string | undefined)[] = [];
  for (const c of commits) {
    const commit = obj(c);
    for (const field of ['added', 'modified', 'removed']) files.push(...arr(commit[field]).map(str));
  }
  return unique(files);
}

/** Undefined when `value` is `<prefix><hex HMAC of body>`, else why not (for a 401). */
function checkHmac(
  name: string, value: string | undefined, prefix: string, algorithm: 'sha1' | 'sha256', secret: string, body: Buffer,
): string | undefined {
  if (value === undefined) return `missing ${name} header (a webhook secret is configured)`;
  if (!value.startsWith(prefix)) return `${name} header is malformed: expected "${prefix}<hex digest>"`;
  const expected = createHmac(algorithm, secret).update(body).digest('hex');
  if (!safeEqual(value.slice(prefix.length).toLowerCase(), expected)) return `${name} does not match the request body`;
  return undefined;
}

/** Constant-time string equality, also for strings of different lengths (both are hashed first). */
function safeEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

type HeaderReader = (name: string) => string | undefined;

/** Case-insensitive header lookup; a repeated header reads as its first value, an empty one as absent. */
function headerReader(headers: WebhookHeaders): HeaderReader {
  const lower = new Map<string, string>();
  for (const [key, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first !== '' && !lower.has(key.toLowerCase())) lower.set(key.toLowerCase(), first.trim());
  }
  return (name) => lower.get(name);
}

/** The body as a JSON object, or a reason it is not one. */
function parseJson(body: Buffer): Json | string {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return `request body is not valid JSON: ${(err as Error).message}`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'request body is not a JSON object';
  return value as Json;
}

function reject(status: 400 | 401, reason: string): WebhookResult {
  return { kind: 'rejected', status, reason };
}

function ignore(provider: WebhookProvider, reason: string): WebhookResult {
  return { kind: 'ignored', provider, reason };
}

function obj(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}
