// The hub's REST API as the CLI calls it: JSON (or YAML) bodies and the bearer token over
// node:http(s) (not fetch, whose client takes no CA or pin), trusting the hub's certificate as the
// config says; a non-2xx answer becomes an ApiError carrying the hub's message and issues.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isCertificateError, tlsClientOptions, type TlsTrust } from '@flotilla/shared';
import { CliError, type Issue } from './errors.ts';
import { configPath, loadConfig, loadTrust, resolveTarget, type GlobalOptions } from './config.ts';

/** An error answer of the hub (status, stable code, message, field issues). */
export class ApiError extends CliError {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string, issues: Issue[]) {
    super(message, { issues });
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** Options of one request. */
export interface RequestOptions {
  /** A JSON-serializable body, or text sent as is with `contentType`. */
  body?: unknown;
  contentType?: string;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
}

/** A status and parsed JSON body. */
export interface ApiAnswer<T> {
  status: number;
  body: T;
}

/** A client for one hub, with or without a session token. */
export class ApiClient {
  readonly server: string;
  readonly token: string | undefined;
  readonly trust: TlsTrust | undefined;
  constructor(server: string, token?: string, trust?: TlsTrust) {
    this.server = server.replace(/\/+$/, '');
    this.token = token;
    this.trust = trust;
  }

  /** Sends a request; answers the status and JSON body, or throws ApiError / CliError. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiAnswer<T>> {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (options.body !== undefined) {
      const raw = typeof options.body === 'string' && options.contentType !== undefined;
      headers['content-type'] = options.contentType ?? 'application/json';
      payload = raw ? (options.body as string) : JSON.stringify(options.body);
    }
    let response: { status: number; text: string };
    try {
      response = await send(url, method, headers, payload, this.trust);
    } catch (error) {
      throw new CliError(`cannot reach the hub at ${this.server}: ${describeRequestError(error)}`, { cause: error });
    }
    const { text } = response;
    const ok = response.status >= 200 && response.status < 300;
    let body: unknown = undefined;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: a proxy's error page or similar; reported below when the status is an error.
    }
    if (!ok) throw toApiError(response.status, body, text);
    if (body === undefined && text !== '') throw new CliError(`the hub at ${this.server} answered ${method} ${path} with something that is not JSON`);
    return { status: response.status, body: body as T };
  }

  /** GET, answering the body. */
  async get<T>(path: string, query?: RequestOptions['query']): Promise<T> {
    return (await this.request<T>('GET', path, { query })).body;
  }
}

/** The ApiError for an error answer (pure). */
export function toApiError(status: number, body: unknown, text: string): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; issues?: unknown } } | undefined)?.error;
  if (error && typeof error.message === 'string') {
    const issues = Array.isArray(error.issues)
      ? error.issues.filter((i): i is Issue => typeof i?.path === 'string' && typeof i?.message === 'string')
      : [];
    return new ApiError(status, typeof error.code === 'string' ? error.code : 'UNKNOWN', error.message, issues);
  }
  const snippet = text.trim().split('\n')[0]?.slice(0, 200) ?? '';
  return new ApiError(status, 'UNKNOWN', `the hub answered HTTP ${status}${snippet ? `: ${snippet}` : ''}`, []);
}

/** One request; answers the status and the body as text. */
function send(url: URL, method: string, headers: Record<string, string>, payload: string | undefined, trust: TlsTrust | undefined): Promise<{ status: number; text: string; headers: IncomingHttpHeaders }> {
  const https = url.protocol === 'https:';
  const request = https ? httpsRequest : httpRequest;
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ...(https ? tlsClientOptions(trust) : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A readable reason from a failed request, with what to do about an untrusted certificate. */
function describeRequestError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!isCertificateError(error)) return message;
  return `${message} (trust the hub with flotilla login URL --hub-fingerprint FINGERPRINT, printed by flotilla-hub at start, or --ca-file FILE)`;
}

/** A client for the configured hub; refuses when no hub (or, if `auth`, no token) is configured. */
export function connect(globals: GlobalOptions, options: { auth?: boolean; env?: NodeJS.ProcessEnv } = {}): ApiClient {
  const env = options.env ?? process.env;
  const target = resolveTarget(globals, env, loadConfig(configPath(env)));
  if (!target.server) throw new CliError('not logged in: run flotilla login URL first');
  if ((options.auth ?? true) && !target.token) throw new CliError(`not logged in to ${target.server}: run flotilla login ${target.server} first`);
  return new ApiClient(target.server, target.token, loadTrust(target));
}
