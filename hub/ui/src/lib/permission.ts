// What a disabled button says: the permission the caller lacks, from the can-i answer. Pure.

/** A can-i answer (GET /api/v1/account/can-i/:resource/:action/*object). */
export interface CanI {
  allowed: boolean;
  reason?: string;
}

/** The title of a control the caller may not use ("Not allowed: applications sync on team-a/web (…)"), or undefined when allowed or not yet known. */
export function notAllowedTitle(resource: string, action: string, object: string, answer: CanI | undefined): string | undefined {
  if (!answer || answer.allowed) return undefined;
  const why = answer.reason ? ` (${answer.reason})` : '';
  return `Not allowed: ${resource} ${action} on ${object}${why}`;
}

/** The can-i path for a question (each part encoded; the object keeps its `/`). */
export function canIPath(resource: string, action: string, object: string): string {
  return `/api/v1/account/can-i/${encodeURIComponent(resource)}/${encodeURIComponent(action)}/${object.split('/').map(encodeURIComponent).join('/')}`;
}
