// The Kubernetes API's failures as the engine sees them: KubeError (the object, the HTTP status and
// the API's reason), the wrapping of transport and API failures, and the small predicates that
// classify them (not found, immutable, unauthorized, gone).

/** An API failure about one object. */
export class KubeError extends Error {
  readonly status: number;
  readonly reason: string;
  constructor(what: string, status: number, reason: string, message: string, cause?: unknown) {
    super(`${what}: ${message}`, { cause });
    this.name = 'KubeError';
    this.status = status;
    this.reason = reason;
  }
}

/** 404 NotFound. */
export const isNotFound = (e: unknown) => e instanceof KubeError && e.status === 404;

/** Names an object as Kind/namespace/name. */
export const describeObject = (obj: { kind: string; metadata: { name: string; namespace?: string } }) => `${obj.kind}/${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;

/** Wraps a transport or API failure with what it concerns. */
export function wrap(what: string, error: unknown): KubeError {
  const e = error as { code?: number; body?: unknown; message?: string };
  if (typeof e.code === 'number') {
    let status: { reason?: string; message?: string } = {};
    try {
      status = typeof e.body === 'string' ? JSON.parse(e.body) : (e.body as typeof status) ?? {};
    } catch {
      status = { message: String(e.body) };
    }
    return new KubeError(what, e.code, status.reason ?? '', status.message ?? e.message ?? 'request failed', error);
  }
  return new KubeError(what, 0, 'Unreachable', e.message ?? String(error), error);
}

/**
 * A change the API refuses because a field cannot change (Flux's IsImmutableError, without its
 * Conflict case: our applies force conflicts): a Job's template, a Service's clusterIP, a
 * StatefulSet's selector, a CEL immutability rule.
 */
export const isImmutable = (e: unknown) => e instanceof KubeError && (e.status === 422 || e.reason === 'Invalid')
  && /is immutable|immutable field|may not change once set|updates to [a-z]+ spec for fields other than .* are forbidden/i.test(e.message);

/** 401 Unauthorized. */
export const isUnauthorized = (e: unknown) => e instanceof KubeError && e.status === 401;

/** 410 Gone (an expired resourceVersion or continue token). */
export const isGone = (e: unknown) => e instanceof KubeError && e.status === 410;
