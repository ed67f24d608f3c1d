// One agent connection: hello (version, resume cursor) → registered/welcome → snapshot or deltas,
// then acks, status, events and heartbeats until it closes. Every frame is decoded against the
// protocol's schemas; anything malformed ends the session with a protocol error.
import type { WebSocket } from 'ws';
import type pg from 'pg';
import type { Logger } from 'pino';
import { CloseCode, PROTOCOL_VERSION, closeReason, decodeAgentMessage, type AgentMessage, type HubMessage } from '@flotilla/shared';
import { withTransaction } from '../store/db.ts';
import { listApplications } from '../store/applications.ts';
import { assignmentsOf, changesSince, letGoNonCascadeDeletions } from '../store/assignments.ts';
import { activateCredential, getClusterById, markDisconnected, recordAck, recordAgentHello, touchCluster } from '../store/clusters.ts';
import { notifyRevoked } from '../store/assignments.ts';
import { saveEvent } from '../store/status.ts';
import { handleStatus } from './status-handler.ts';
import { frameHubMessage } from './frame-limit.ts';
import { ResourceRequests } from './resource-requests.ts';

/** What a session needs from the gateway. */
export interface SessionOptions {
  pool: pg.Pool;
  log: Logger;
  clusterId: number;
  /** The credential to hand over when the agent came with a bootstrap token (pending until acked). */
  issuedCredential?: string;
  /** The hash of the credential this session stands on (the issued one for a bootstrap token). */
  credentialHash: string;
  /** The hub's epoch; an agent whose stored revision belongs to another one gets a snapshot. */
  epoch: string;
  heartbeatIntervalMs: number;
  missedHeartbeats: number;
  maxMessageBytes: number;
  helloTimeoutMs: number;
  /** Called once the hello is accepted (the gateway then closes an older session of the cluster). */
  onEstablished(session: AgentSession): void;
  /** Called after a hello whose capabilities differ from the stored ones (a first report too): the cluster's renders may change. */
  onCapabilitiesChanged?(clusterId: number): void;
  /** Called after a stored status of an application an app-of-apps parent owns (the parent's next wave may start). */
  onOwnedStatus?(parent: string): void;
  onClosed(session: AgentSession): void;
}

/** A live agent connection. */
export class AgentSession {
  readonly clusterId: number;
  readonly credentialHash: string;
  clusterName = '';
  /** The optional capabilities the agent named in its hello (protocol `features`). */
  features: ReadonlySet<string> = new Set();
  /** `resource.get` requests waiting for the agent's answer. */
  readonly resourceRequests = new ResourceRequests();
  private sentRevision = 0;
  private established = false;
  private connectedAt: Date | undefined;
  private closed = false;
  private lastHeardAt = Date.now();
  private lastTouchAt = 0;
  private updates: Promise<void> = Promise.resolve();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly socket: WebSocket;
  private readonly options: SessionOptions;
  private readonly log: Logger;

  constructor(socket: WebSocket, options: SessionOptions) {
    this.socket = socket;
    this.options = options;
    this.clusterId = options.clusterId;
    this.credentialHash = options.credentialHash;
    this.log = options.log.child({ cluster: options.clusterId });
    // No listener may throw: an exception out of a socket event ends the hub process.
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      try {
        this.receive(data, isBinary);
      } catch (error) {
        this.internalError(error);
      }
    });
    socket.on('close', () => this.cleanup());
    socket.on('error', (error) => this.log.warn({ err: error }, 'agent socket error'));
    this.timers.push(setTimeout(() => {
      if (!this.established) this.fail(CloseCode.protocolError, 'hello_timeout', `no hello within ${options.helloTimeoutMs} ms`);
    }, options.helloTimeoutMs));
  }

  private receive(data: Buffer, isBinary: boolean): void {
    this.lastHeardAt = Date.now();
    const decoded = decodeAgentMessage(isBinary ? data : data.toString('utf8'), this.options.maxMessageBytes);
    if (!decoded.ok) return this.fail(CloseCode.protocolError, 'protocol_error', `${decoded.issue.path ? `${decoded.issue.path}: ` : ''}${decoded.issue.message}`);
    this.handle(decoded.message).catch((error: unknown) => this.internalError(error));
  }

  private internalError(error: unknown): void {
    this.log.error({ err: error }, 'handling an agent message failed');
    this.fail(1011, 'internal_error', 'the hub could not handle the message; reconnect and resend');
  }

  private async handle(message: AgentMessage): Promise<void> {
    if (!this.established && message.type !== 'hello') return this.fail(CloseCode.protocolError, 'protocol_error', `expected hello first, got ${message.type}`);
    switch (message.type) {
      case 'hello': {
        if (this.established) return this.fail(CloseCode.protocolError, 'protocol_error', 'hello sent twice');
        if (message.protocol !== PROTOCOL_VERSION) {
          return this.fail(CloseCode.unsupportedVersion, 'unsupported_version', `this hub speaks protocol ${PROTOCOL_VERSION}, the agent ${message.protocol}`);
        }
        const recorded = await recordAgentHello(this.options.pool, this.clusterId, message);
        const letGo = await letGoNonCascadeDeletions(this.options.pool, this.clusterId, message.features ?? []);
        if (letGo.length) this.log.warn({ apps: letGo }, 'the agent does not run PostDelete hooks without cascade: its non-cascade deletions end now, leaving their resources');
        this.connectedAt = recorded?.connectedAt;
        const cluster = await getClusterById(this.options.pool, this.clusterId);
        if (!cluster || !recorded) return this.fail(CloseCode.revoked, 'revoked', 'the cluster was removed');
        this.clusterName = cluster.name;
        this.features = new Set(message.features ?? []);
        this.established = true;
        this.options.onEstablished(this);
        if (this.options.issuedCredential) this.send({ type: 'registered', cluster: cluster.name, credential: this.options.issuedCredential });
        this.send({ type: 'welcome', protocol: PROTOCOL_VERSION, cluster: cluster.name, heartbeatIntervalMs: this.options.heartbeatIntervalMs, epoch: this.options.epoch });
        // A revision acked under another epoch (a store restored from backup) is no cursor here.
        const sameEpoch = message.epoch === this.options.epoch;
        this.sentRevision = sameEpoch ? message.lastRevision : 0;
        this.log.info({ clusterName: cluster.name, lastRevision: message.lastRevision, agentVersion: message.agentVersion, kubeVersion: cluster.capabilities?.kubeVersion, apiVersions: cluster.capabilities?.apiVersionsCount, ...(sameEpoch ? {} : { agentEpoch: message.epoch ?? null }) }, 'agent connected');
        this.startHeartbeats();
        this.pushUpdates(true);
        if (recorded.capabilitiesChanged) {
          this.log.info({ clusterName: cluster.name, kubeVersion: cluster.capabilities?.kubeVersion, apiVersions: cluster.capabilities?.apiVersionsCount }, 'cluster capabilities changed; refreshing its applications');
          this.options.onCapabilitiesChanged?.(this.clusterId);
        }
        return;
      }
      case 'registered.ack':
        return this.activate();
      case 'ack':
        await recordAck(this.options.pool, this.clusterId, message.revision);
        return;
      case 'status': {
        const result = await handleStatus(this.options.pool, this.clusterId, message, this.options.onOwnedStatus);
        if (result === 'foreign') this.log.debug({ app: message.app }, 'status for an application not on this cluster; acked, not stored');
        this.send({ type: 'status.ack', app: message.app, seq: message.seq });
        return;
      }
      case 'event':
        await saveEvent(this.options.pool, this.clusterId, message);
        this.send({ type: 'event.ack', seq: message.seq });
        return;
      case 'resource.got':
        return this.resourceRequests.settle(message);
      case 'heartbeat':
        if (Date.now() - this.lastTouchAt > this.options.heartbeatIntervalMs / 2) {
          this.lastTouchAt = Date.now();
          await touchCluster(this.options.pool, this.clusterId);
        }
        return;
    }
  }

  /** The agent stored its new credential: spend the bootstrap token, retire older credentials. */
  private async activate(): Promise<void> {
    if (!this.options.issuedCredential) return this.fail(CloseCode.protocolError, 'protocol_error', 'registered.ack without a registration');
    const activated = await withTransaction(this.options.pool, async (db) => {
      const result = await activateCredential(db, this.credentialHash);
      if (result?.revokedOthers) await notifyRevoked(db, this.clusterId); // sessions re-check their credential
      return result;
    });
    if (!activated) return this.fail(CloseCode.revoked, 'revoked', 'another agent registered with the same bootstrap token first');
    this.log.info({ clusterName: this.clusterName, revokedOthers: activated.revokedOthers }, 'agent stored its credential; bootstrap token spent');
  }

  /** Sends what changed since the last revision sent: deltas, or a snapshot when history has a gap. */
  pushUpdates(first = false): void {
    if (!this.established || this.closed) return;
    this.updates = this.updates.then(() => this.sendUpdates(first)).catch((error: unknown) => {
      this.log.error({ err: error }, 'sending assignment updates failed');
      this.fail(1011, 'internal_error', 'the hub could not read the assignments; reconnect');
    });
  }

  private async sendUpdates(first: boolean): Promise<void> {
    if (this.closed) return;
    const from = this.sentRevision;
    // An agent with nothing stored (revision 0) always starts from a snapshot.
    const delta = from > 0 ? await changesSince(this.options.pool, this.clusterId, from) : undefined;
    if (delta && delta.revision === from && !first) return;
    if (delta) {
      this.send({ type: 'delta', fromRevision: from, revision: delta.revision, changes: delta.changes });
      this.sentRevision = delta.revision;
      return;
    }
    const snapshot = await withTransaction(this.options.pool, async (db) => {
      await db.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      const rev = Number((await db.query<{ revision: string }>('SELECT revision FROM clusters WHERE id = $1', [this.clusterId])).rows[0]?.revision ?? 0);
      const apps = await listApplications(db, { clusterId: this.clusterId });
      return { revision: rev, assignments: await assignmentsOf(db, apps) };
    });
    this.send({ type: 'snapshot', revision: snapshot.revision, assignments: snapshot.assignments });
    this.sentRevision = snapshot.revision;
  }

  private startHeartbeats(): void {
    const { heartbeatIntervalMs, missedHeartbeats } = this.options;
    const timer = setInterval(() => {
      if (Date.now() - this.lastHeardAt > heartbeatIntervalMs * missedHeartbeats) {
        this.fail(CloseCode.timeout, 'timeout', `no message from the agent for ${missedHeartbeats} heartbeat intervals`);
        return;
      }
      this.send({ type: 'heartbeat' });
    }, heartbeatIntervalMs);
    this.timers.push(timer);
  }

  /** Sends a message if the socket is open. */
  send(message: HubMessage): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    // Frames to agents are bounded too: a large delta goes out in pieces, a large snapshot not at all.
    const framed = frameHubMessage(message);
    if ('refused' in framed) {
      this.log.error({ type: message.type, bytes: framed.bytes }, framed.refused);
      return this.fail(1009, 'message_too_big', framed.refused);
    }
    for (const frame of framed.frames) {
      this.socket.send(frame, (error) => {
        if (error) this.log.debug({ err: error }, 'sending to the agent failed; the socket is closing');
      });
    }
  }

  /** Sends an error message and closes with a code. */
  fail(code: number, errorCode: string, message: string): void {
    if (this.closed) return;
    this.log.warn({ code, errorCode, reason: message }, 'closing agent session');
    try {
      this.send({ type: 'error', code: errorCode, message });
      this.socket.close(code, closeReason(message));
    } catch (error) {
      // Closing must never throw out of a socket event; a socket that cannot close cleanly is cut.
      this.log.warn({ err: error }, 'closing the agent socket failed; terminating it');
      this.socket.terminate();
    } finally {
      this.cleanup();
    }
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.resourceRequests.closeAll();
    this.options.onClosed(this);
  }

  /** Whether the hello was accepted and the socket is still open. */
  get isEstablished(): boolean {
    return this.established && !this.closed;
  }

  /** Marks the cluster disconnected in the store, unless a newer session has connected since. */
  async markGone(): Promise<void> {
    if (this.connectedAt) await markDisconnected(this.options.pool, this.clusterId, this.connectedAt).catch(() => {});
  }
}
