// Cluster registrations and their tokens: a one-time bootstrap token (expires, used once) is
// exchanged for a long-lived credential; both are stored only as hashes and can be revoked.
import type { Queryable } from './db.ts';
import { hashToken, newToken } from './secrets.ts';

/** A registered cluster as the API shows it. */
export interface ClusterRecord {
  id: number;
  name: string;
  labels: Record<string, string>;
  serverUrl: string | null;
  agentInfo: Record<string, unknown> | null;
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
  agent_info: Record<string, unknown> | null;
  revision: string;
  acked_revision: string;
  connected_at: Date | null;
  last_seen_at: Date | null;
  created_at: Date;
  applications: string;
}

const SELECT = `SELECT c.*, (SELECT count(*) FROM applications a WHERE a.cluster_id = c.id) AS applications FROM clusters c`;

function toRecord(row: ClusterRow): ClusterRecord {
  return {
    id: Number(row.id),
    name: row.name,
    labels: row.labels,
    serverUrl: row.server_url,
    agentInfo: row.agent_info,
    revision: Number(row.revision),
    ackedRevision: Number(row.acked_revision),
    connectedAt: row.connected_at,
    lastSeenAt: row.last_seen_at,
    createdAt: row.created_at,
    applications: Number(row.applications),
  };
}

/** Registers a cluster; undefined when the name is taken. */
export async function createCluster(db: Queryable, name: string, labels: Record<string, string>): Promise<ClusterRecord | undefined> {
  const inserted = await db.query<{ id: string }>('INSERT INTO clusters (name, labels) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id', [name, labels]);
  return inserted.rowCount ? getCluster(db, name) : undefined;
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

/** The cluster whose agent reported this API server URL. */
export async function getClusterByServer(db: Queryable, serverUrl: string): Promise<ClusterRecord | undefined> {
  const row = (await db.query<ClusterRow>(`${SELECT} WHERE c.server_url = $1 ORDER BY c.id LIMIT 1`, [serverUrl.replace(/\/+$/, '')])).rows[0];
  return row && toRecord(row);
}

/** Every cluster, by name. */
export async function listClusters(db: Queryable): Promise<ClusterRecord[]> {
  return (await db.query<ClusterRow>(`${SELECT} ORDER BY c.name`)).rows.map(toRecord);
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

/** Redeems a bootstrap token once: marks it used and issues the cluster's credential. */
export async function redeemBootstrapToken(db: Queryable, token: string): Promise<{ clusterId: number; credential: string } | { refused: TokenRefusal }> {
  const hash = hashToken(token);
  const used = await db.query<{ cluster_id: string }>(
    `UPDATE cluster_tokens SET used_at = now() WHERE token_hash = $1 AND kind = 'bootstrap' AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now() RETURNING cluster_id`,
    [hash],
  );
  const row = used.rows[0];
  if (!row) return { refused: await refusal(db, hash) };
  const credential = newToken('flt_c_');
  await db.query(`INSERT INTO cluster_tokens (token_hash, cluster_id, kind) VALUES ($1, $2, 'credential')`, [hashToken(credential), row.cluster_id]);
  return { clusterId: Number(row.cluster_id), credential };
}

/** The cluster a credential belongs to, unless revoked. */
export async function authenticateCredential(db: Queryable, token: string): Promise<{ clusterId: number } | { refused: TokenRefusal }> {
  const hash = hashToken(token);
  const row = (await db.query<{ cluster_id: string }>(
    `SELECT cluster_id FROM cluster_tokens WHERE token_hash = $1 AND kind = 'credential' AND revoked_at IS NULL`,
    [hash],
  )).rows[0];
  return row ? { clusterId: Number(row.cluster_id) } : { refused: await refusal(db, hash) };
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

/** Records what the agent said about itself on connect. */
export async function recordAgentHello(db: Queryable, clusterId: number, info: { agentVersion: string; kubernetesVersion?: string; serverUrl?: string }): Promise<Date | undefined> {
  const res = await db.query<{ connected_at: Date }>(
    `UPDATE clusters SET agent_info = $2, server_url = COALESCE($3, server_url), connected_at = date_trunc('milliseconds', clock_timestamp()), last_seen_at = now()
       WHERE id = $1 RETURNING connected_at`,
    [clusterId, { agentVersion: info.agentVersion, kubernetesVersion: info.kubernetesVersion ?? null }, info.serverUrl?.replace(/\/+$/, '') ?? null],
  );
  return res.rows[0]?.connected_at;
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
