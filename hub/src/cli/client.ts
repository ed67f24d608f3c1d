// The hub's REST API as the CLI calls it: fetch with JSON (or YAML) bodies and the bearer token;
// a non-2xx answer becomes an ApiError carrying the hub's message and issues.
import { CliError, type Issue } from './errors.ts';
import { configPath, loadConfig, resolveTarget, type GlobalOptions } from './config.ts';

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
  constructor(server: string, token?: string) {
    this.server = server.replace(/\/+$/, '');
    this.token = token;
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
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: payload });
    } catch (error) {
      throw new CliError(`cannot reach the hub at ${this.server}: ${describeFetchError(error)}`, { cause: error });
    }
    const text = await response.text();
    let body: unknown = undefined;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: a proxy's error page or similar; reported below when the status is an error.
    }
    if (!response.ok) throw toApiError(response.status, body, text);
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

/** A readable reason from a failed fetch (its cause's code and message). */
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** A client for the configured hub; refuses when no hub (or, if `auth`, no token) is configured. */
export function connect(globals: GlobalOptions, options: { auth?: boolean; env?: NodeJS.ProcessEnv } = {}): ApiClient {
  const env = options.env ?? process.env;
  const target = resolveTarget(globals, env, loadConfig(configPath(env)));
  if (!target.server) throw new CliError('not logged in: run flotilla login URL first');
  if ((options.auth ?? true) && !target.token) throw new CliError(`not logged in to ${target.server}: run flotilla login ${target.server} first`);
  return new ApiClient(target.server, target.token);
}
