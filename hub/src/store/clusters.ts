// Cluster registrations and their tokens: a one-time bootstrap token (expires, used once) is
// exchanged for a long-lived credential; both are stored only as hashes and can be revoked. The
// token is spent when the agent has stored the credential (it acknowledges it, or connects with
// it), and that credential then replaces every older one of the cluster. A cluster's API URL,
// which destination.server routes by, is only ever one an admin set or confirmed. What the cluster
// serves (its capabilities: version and API versions) is stored from each hello for the renderer.
import type { Queryable } from './db.ts';
import { hashToken, newToken } from './secrets.ts';
import type { ClusterCapabilities } from '../repo/render/types.ts';
import { noCapabilities, normalizeCapabilities } from '../repo/render/capabilities.ts';

/** A registered cluster as the API shows it. */
export interface ClusterRecord {
  id: number;
  name: string;
  labels: Record<string, string>;
  /** The API URL an admin set or confirmed (destination.server routes by it); unique. */
  serverUrl: string | null;
  /** The API URL the agent reported at hello: shown, never routed by until confirmed. */
  reportedServerUrl: string | null;
  agentInfo: Record<string, unknown> | null;
  /** What the agent last reported the cluster serves, summed up (the list itself: capabilitiesOf); null before any report. */
  capabilities: { kubeVersion: string; apiVersionsCount: number } | null;
  revision: number;
  ackedRevision: number;
  connectedAt: Date | null;
  lastSeenAt: Date | null;
  createdAt: Date;
  applications: number;
}

interface ClusterRow {
  id: string;
  name: string;
  labels: Record<string, string>;
  server_url: string | null;
  reported_server_url: string | null;
  agent_info: Record<string, unknown> | null;
  kube_version: string | null;
  api_versions_count: number | null;
  revision: string;
  acked_revision: string;
  connected_at: Date | null;
  last_seen_at: Date | null;
  created_at: Date;
  applications: string;
}

// Named columns: the capabilities list (thousands of entries) is summed up here, read whole only by capabilitiesOf.
const SELECT = `SELECT c.id, c.name, c.labels, c.server_url, c.reported_server_url, c.agent_info, c.revision, c.acked_revision,
    c.connected_at, c.last_seen_at, c.created_at,
    c.capabilities->>'kubeVersion' AS kube_version, jsonb_array_length(c.capabilities->'apiVersions') AS api_versions_count,
    (SELECT count(*) FROM applications a WHERE a.cluster_id = c.id) AS applications
  FROM clusters c`;

function toRecord(row: ClusterRow): ClusterRecord {
  return {
    id: Number(row.id),
    name: row.name,
    labels: row.labels,
    serverUrl: row.server_url,
    reportedServerUrl: row.reported_server_url,
    agentInfo: row.agent_info,
    capabilities: row.kube_version === null && row.api_versions_count === null ? null : { kubeVersion: row.kube_version ?? '', apiVersionsCount: Number(row.api_versions_count ?? 0) },
    revision: Number(row.revision),
    ackedRevision: Number(row.acked_revision),
    connectedAt: row.connected_at,
    lastSeenAt: row.last_seen_at,
    createdAt: row.created_at,
    applications: Number(row.applications),
  };
}

/** Why a cluster's API URL cannot be stored. */
export type ServerConflict = { conflict: 'name' } | { conflict: 'server'; cluster: string };

/** A cluster API URL as stored and matched: without trailing slashes (pure). */
export function normalizeServerUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** Registers a cluster, with the API URL an admin gave; a conflict when the name or URL is taken. */
export async function createCluster(db: Queryable, name: string, labels: Record<string, string>, serverUrl?: string): Promise<ClusterRecord | ServerConflict> {
  const server = serverUrl ? normalizeServerUrl(serverUrl) : null;
  if (server) {
    const holder = await getClusterByServer(db, server);
    if (holder) return { conflict: 'server', cluster: holder.name };
  }
  const inserted = await db.query<{ id: string }>(
    'INSERT INTO clusters (name, labels, server_url) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id',
    [name, labels, server],
  );
  if (inserted.rowCount) return (await getCluster(db, name))!;
  const holder = server ? await getClusterByServer(db, server) : undefined;
  return holder && holder.name !== name ? { conflict: 'server', cluster: holder.name } : { conflict: 'name' };
}

/** Sets (or clears, with null) the API URL destination.server routes to this cluster by. */
export async function setClusterServer(db: Queryable, clusterId: number, serverUrl: string | null): Promise<'set' | ServerConflict> {
  const server = serverUrl ? normalizeServerUrl(serverUrl) : null;
  const holder = server ? await getClusterByServer(db, server) : undefined;
  if (holder && holder.id !== clusterId) return { conflict: 'server', cluster: holder.name };
  const updated = await db.query('UPDATE clusters SET server_url = $2 WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM clusters o WHERE o.server_url = $2 AND o.id <> $1)', [clusterId, server]);
  if (updated.rowCount) return 'set';
  const taken = server ? await getClusterByServer(db, server) : undefined;
  return { conflict: 'server', cluster: taken?.name ?? 'another cluster' };
}

/** Replaces a cluster's labels. */
export async function setClusterLabels(db: Queryable, clusterId: number, labels: Record<string, string>): Promise<void> {
  await db.query('UPDATE clusters SET labels = $2 WHERE id = $1', [clusterId, labels]);
}

/** One cluster by name. */
export async function getCluster(db: Queryable, name: string): Promise<ClusterRecord | undefined> {
  const row = (await db.query<ClusterRow>(`${SELECT} WHERE c.name = $1`, [name])).rows[0];
  return row && toRecord(row);
}

/** One cluster by id. */
export async function getClusterById(db: Queryable, id: number): Promise<ClusterRecord | undefined> {
  const row = (await db.query<ClusterRow>(`${SELECT} WHERE c.id = $1`, [id])).rows[0];
  return row && toRecord(row);
}

/** The cluster whose admin-set (or confirmed) API URL this is; an agent's report never counts. */
export async function getClusterByServer(db: Queryable, serverUrl: string): Promise<ClusterRecord | undefined> {
  const row = (await db.query<ClusterRow>(`${SELECT} WHERE c.server_url = $1`, [normalizeServerUrl(serverUrl)])).rows[0];
  return row && toRecord(row);
}

/** Every cluster, by name; with `names`, only those. */
export async function listClusters(db: Queryable, filter: { names?: string[] } = {}): Promise<ClusterRecord[]> {
  const where = filter.names ? ' WHERE c.name = ANY($1)' : '';
  return (await db.query<ClusterRow>(`${SELECT}${where} ORDER BY c.name`, filter.names ? [filter.names] : [])).rows.map(toRecord);
}

/** Removes a cluster, its tokens and logs; refused (false) while applications target it. */
export async function deleteCluster(db: Queryable, name: string): Promise<'deleted' | 'missing' | 'in-use'> {
  const cluster = (await db.query<{ id: string; apps: string }>(
    'SELECT c.id, (SELECT count(*) FROM applications a WHERE a.cluster_id = c.id) AS apps FROM clusters c WHERE c.name = $1 FOR UPDATE',
    [name],
  )).rows[0];
  if (!cluster) return 'missing';
  if (Number(cluster.apps) > 0) return 'in-use';
  await db.query('DELETE FROM clusters WHERE id = $1', [cluster.id]);
  return 'deleted';
}

/** Issues a one-time bootstrap token for a cluster. */
export async function issueBootstrapToken(db: Queryable, clusterId: number, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken('flt_b_');
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  await db.query(`INSERT INTO cluster_tokens (token_hash, cluster_id, kind, expires_at) VALUES ($1, $2, 'bootstrap', $3)`, [hashToken(token), clusterId, expiresAt]);
  return { token, expiresAt };
}

/** Why a token was refused, for the log and the agent. */
export type TokenRefusal = 'unknown' | 'expired' | 'used' | 'revoked';

/** A credential issued for a bootstrap token, pending until the agent has stored it. */
export interface Redemption {
  clusterId: number;
  credential: string;
  credentialHash: string;
}

/**
 * Exchanges a live bootstrap token for a new pending credential. The token stays usable until a
 * credential issued for it is activated (activateCredential), so a connection lost before the
 * agent stored its credential costs nothing: the agent comes back with the same token.
 */
export async function redeemBootstrapToken(db: Queryable, token: string): Promise<Redemption | { refused: TokenRefusal }> {
  const hash = hashToken(token);
  const row = (await db.query<{ cluster_id: string }>(
    `SELECT cluster_id FROM cluster_tokens WHERE token_hash = $1 AND kind = 'bootstrap' AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()`,
    [hash],
  )).rows[0];
  if (!row) return { refused: await refusal(db, hash) };
  const credential = newToken('flt_c_');
  const credentialHash = hashToken(credential);
  await db.query(`INSERT INTO cluster_tokens (token_hash, cluster_id, kind, bootstrap_hash) VALUES ($1, $2, 'credential', $3)`, [credentialHash, row.cluster_id, hash]);
  return { clusterId: Number(row.cluster_id), credential, credentialHash };
}

/**
 * Activates a pending credential once its agent has stored it: spends the bootstrap token it was
 * issued for and revokes every other credential of the cluster (a re-registered agent replaces
 * the old one). Answers the cluster and how many credentials it revoked, or undefined when this
 * credential lost a race (another one of the same token was activated first) or was revoked.
 * Run it in a transaction.
 */
export async function activateCredential(db: Queryable, credentialHash: string): Promise<{ clusterId: number; revokedOthers: number } | undefined> {
  const row = (await db.query<{ cluster_id: string; bootstrap_hash: string | null; activated_at: Date | null; revoked_at: Date | null }>(
    `SELECT cluster_id, bootstrap_hash, activated_at, revoked_at FROM cluster_tokens WHERE token_hash = $1 AND kind = 'credential'`,
    [credentialHash],
  )).rows[0];
  if (!row || row.revoked_at) return undefined;
  const clusterId = Number(row.cluster_id);
  if (row.activated_at) return { clusterId, revokedOthers: 0 };
  // Lock the cluster: activations of one cluster's credentials are serialised.
  await db.query('SELECT id FROM clusters WHERE id = $1 FOR UPDATE', [clusterId]);
  const still = (await db.query(`SELECT 1 FROM cluster_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, [credentialHash])).rowCount;
  if (!still) return undefined;
  await db.query('UPDATE cluster_tokens SET activated_at = now() WHERE token_hash = $1', [credentialHash]);
  if (row.bootstrap_hash) await db.query('UPDATE cluster_tokens SET used_at = COALESCE(used_at, now()) WHERE token_hash = $1', [row.bootstrap_hash]);
  const revoked = await db.query(
    `UPDATE cluster_tokens SET revoked_at = now() WHERE cluster_id = $1 AND kind = 'credential' AND token_hash <> $2 AND revoked_at IS NULL`,
    [clusterId, credentialHash],
  );
  return { clusterId, revokedOthers: revoked.rowCount ?? 0 };
}

/** The cluster a credential belongs to, unless revoked; a pending one is activated by this use. */
export async function authenticateCredential(db: Queryable, token: string): Promise<{ clusterId: number; credentialHash: string; pending: boolean } | { refused: TokenRefusal }> {
  const hash = hashToken(token);
  const row = (await db.query<{ cluster_id: string; activated_at: Date | null }>(
    `SELECT cluster_id, activated_at FROM cluster_tokens WHERE token_hash = $1 AND kind = 'credential' AND revoked_at IS NULL`,
    [hash],
  )).rows[0];
  return row ? { clusterId: Number(row.cluster_id), credentialHash: hash, pending: row.activated_at === null } : { refused: await refusal(db, hash) };
}

/** Of these credential hashes, the ones still valid (not revoked, not removed with their cluster). */
export async function liveCredentials(db: Queryable, hashes: string[]): Promise<Set<string>> {
  if (!hashes.length) return new Set();
  const rows = (await db.query<{ token_hash: string }>(
    `SELECT token_hash FROM cluster_tokens WHERE token_hash = ANY($1) AND kind = 'credential' AND revoked_at IS NULL`,
    [hashes],
  )).rows;
  return new Set(rows.map((r) => r.token_hash));
}

async function refusal(db: Queryable, hash: string): Promise<TokenRefusal> {
  const row = (await db.query<{ used_at: Date | null; revoked_at: Date | null; expires_at: Date | null }>(
    'SELECT used_at, revoked_at, expires_at FROM cluster_tokens WHERE token_hash = $1',
    [hash],
  )).rows[0];
  if (!row) return 'unknown';
  if (row.revoked_at) return 'revoked';
  if (row.used_at) return 'used';
  return 'expired';
}

/** Revokes every token of a cluster (bootstrap and credentials); returns how many. */
export async function revokeClusterTokens(db: Queryable, clusterId: number): Promise<number> {
  const res = await db.query('UPDATE cluster_tokens SET revoked_at = now() WHERE cluster_id = $1 AND revoked_at IS NULL', [clusterId]);
  return res.rowCount ?? 0;
}

/** What an agent says about itself and its cluster in its hello. */
export interface AgentHelloInfo {
  agentVersion: string;
  /** Older agents report only this; it then stands for capabilities without API versions. */
  kubernetesVersion?: string;
  capabilities?: ClusterCapabilities;
  serverUrl?: string;
  /** The optional capabilities it names (protocol `features`), kept so the hub knows them while it is offline. */
  features?: string[];
}

/**
 * Records what the agent said about itself on connect (its URL as a report, never for routing) and
 * the cluster's capabilities (kept as they were when the hello carries none); answers when the
 * session connected and whether the capabilities changed (a first report counts), so the cluster's
 * renders can follow.
 */
export async function recordAgentHello(db: Queryable, clusterId: number, info: AgentHelloInfo): Promise<{ connectedAt: Date; capabilitiesChanged: boolean } | undefined> {
  const reported = info.capabilities ?? (info.kubernetesVersion ? { kubeVersion: info.kubernetesVersion, apiVersions: [] } : undefined);
  const res = await db.query<{ connected_at: Date; capabilities_changed: boolean }>(
    `WITH old AS (SELECT id, capabilities FROM clusters WHERE id = $1 FOR UPDATE)
     UPDATE clusters c SET
         agent_info = jsonb_build_object('agentVersion', $2::text, 'kubernetesVersion', COALESCE($3::text, ($5::jsonb)->>'kubeVersion', old.capabilities->>'kubeVersion'), 'features', $6::jsonb),
         reported_server_url = COALESCE($4, c.reported_server_url),
         capabilities = COALESCE($5::jsonb, old.capabilities),
         connected_at = date_trunc('milliseconds', clock_timestamp()), last_seen_at = now()
       FROM old WHERE c.id = old.id
       RETURNING c.connected_at, c.capabilities IS DISTINCT FROM old.capabilities AS capabilities_changed`,
    [clusterId, info.agentVersion, info.kubernetesVersion ?? null, info.serverUrl ? normalizeServerUrl(info.serverUrl) : null, reported ? normalizeCapabilities(reported) : null, JSON.stringify(info.features ?? [])],
  );
  const row = res.rows[0];
  return row && { connectedAt: row.connected_at, capabilitiesChanged: row.capabilities_changed };
}

/** The destination cluster's capabilities for a render (`--kube-version`, `--api-versions`); empty when its agent never reported them. */
export async function capabilitiesOf(db: Queryable, clusterId: number): Promise<ClusterCapabilities> {
  const row = (await db.query<{ capabilities: unknown }>('SELECT capabilities FROM clusters WHERE id = $1', [clusterId])).rows[0];
  return row?.capabilities ? normalizeCapabilities(row.capabilities) : noCapabilities();
}

/** Marks the agent alive now. */
export async function touchCluster(db: Queryable, clusterId: number): Promise<void> {
  await db.query('UPDATE clusters SET last_seen_at = now() WHERE id = $1', [clusterId]);
}

/** Marks the agent disconnected, unless a newer connection (another connectedAt) has taken over. */
export async function markDisconnected(db: Queryable, clusterId: number, connectedAt: Date): Promise<void> {
  await db.query('UPDATE clusters SET connected_at = NULL WHERE id = $1 AND connected_at = $2', [clusterId, connectedAt]);
}

/** Records the highest revision the agent has stored. */
export async function recordAck(db: Queryable, clusterId: number, revision: number): Promise<void> {
  await db.query('UPDATE clusters SET acked_revision = GREATEST(acked_revision, $2) WHERE id = $1 AND revision >= $2', [clusterId, revision]);
}

/** Argo CD's connection state of a cluster, from when its agent was last heard. */
export function connectionState(cluster: Pick<ClusterRecord, 'connectedAt' | 'lastSeenAt'>, now: Date, unknownAfterMs: number): { status: 'Successful' | 'Unknown'; message: string } {
  if (!cluster.lastSeenAt) return { status: 'Unknown', message: 'the agent has not connected yet' };
  const silentMs = now.getTime() - cluster.lastSeenAt.getTime();
  if (!cluster.connectedAt) return { status: 'Unknown', message: `the agent disconnected; last heard ${Math.round(silentMs / 1000)} s ago` };
  if (silentMs > unknownAfterMs) return { status: 'Unknown', message: `no heartbeat for ${Math.round(silentMs / 1000)} s` };
  return { status: 'Successful', message: 'agent connected' };
}
