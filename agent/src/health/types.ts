// Shared shapes for resource health: the status codes and result Argo CD reports, and the loose
// Kubernetes object the checkers read (live objects are untrusted JSON, so spec/status stay records).

/** A resource's health, as Argo CD's gitops-engine names it. */
export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

/** A health assessment: the status and, when there is something to say, why. */
export type HealthResult = { status: HealthStatus; message?: string };

/** A metadata.ownerReferences entry. */
export type OwnerReference = { apiVersion: string; kind: string; name: string; uid?: string; controller?: boolean; blockOwnerDeletion?: boolean };

/** The object metadata the health checks read. */
export type KubeMetadata = {
  name: string;
  namespace?: string;
  generation?: number;
  deletionTimestamp?: string;
  finalizers?: string[];
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  ownerReferences?: OwnerReference[];
};

/** A live Kubernetes object, typed only as far as the health checks need. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

/** A health check for one kind: undefined means the kind has no health. */
export type HealthCheck = (obj: KubeObject) => HealthResult | undefined;

/** A caller-supplied check consulted before the built-in ones (Lua overrides later); undefined falls through. */
export type CustomHealth = HealthCheck;
