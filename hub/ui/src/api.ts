// Calls to the hub's public REST API from the page (same origin; the session is the HttpOnly
// cookie POST /api/v1/session set). A failure becomes an ApiError carrying the API's message, which
// every page shows in a role=alert; a 401 sends the browser to the login page.
import { navigate } from './navigation.ts';

/** A failed API call: the HTTP status and the API's message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The message to show for any error. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return `request failed: ${error.message}`;
  return String(error);
}

/** Calls the API; answers the parsed JSON. `redirectOn401: false` for calls that handle it (login, session check). */
export async function api<T = unknown>(method: string, path: string, body?: unknown, options: { redirectOn401?: boolean; signal?: AbortSignal } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'FLT_ERR_UNREACHABLE', `the hub cannot be reached (${(error as Error).message})`);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (res.status === 401 && options.redirectOn401 !== false && !location.pathname.startsWith('/login')) {
      navigate(`/login?return_to=${encodeURIComponent(location.pathname + location.search)}`, true);
    }
    throw new ApiError(res.status, error?.code ?? 'FLT_ERR_HTTP', error?.message ?? `${method} ${path.split('?')[0]} failed: HTTP ${res.status}`);
  }
  return parsed as T;
}
