// How a failed Git fetch reads in a condition: who stopped it (the hub's own policy or limits, or
// the network and the server) and its message with any password in a URL masked.
import { RepoUrlRefusedError } from './git-http.ts';
import { RepoLimitError } from './repo-limits.ts';
import { redactUrlsIn } from './url-userinfo.ts';

/** Whether the hub itself stopped the fetch (policy or limit), rather than the network or the server. */
export function isGuard(error: unknown): boolean {
  return error instanceof RepoUrlRefusedError || error instanceof RepoLimitError || (error as { cause?: unknown }).cause instanceof RepoLimitError;
}

/** An error as a condition can say it, with any password in a URL masked. */
export function describeFetchError(error: unknown): string {
  const e = error as { code?: string; message?: string; data?: { statusCode?: number } };
  // A 401 without credentials is an HttpError; with credentials that failed, onAuthFailure cancels.
  if (e.data?.statusCode === 401 || e.code === 'UserCanceledError') return 'authentication failed (HTTP 401): check the repository credentials';
  return redactUrlsIn(e.message ?? String(error));
}
