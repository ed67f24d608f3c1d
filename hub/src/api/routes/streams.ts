// /api/v1/stream/applications and /api/v1/stream/clusters: Server-Sent Events of what changes, as
// the list routes show it (`event: application` / `event: cluster` with one list item as data,
// `event: deleted` with {name}), each checked against the caller's RBAC when it is sent. Driven
// by the change feed (migration 015) through this replica's reader, so a change written by any
// replica reaches every stream. `id:` is the change's id: a client resumes with Last-Event-ID (or
// ?lastEventId=) and gets what changed since; from further back than the feed keeps, an
// `event: reset` tells it to load the list again. A comment every 15 s keeps proxies from timing
// the stream out, and the caller's credential is checked again each time (a revoked session's
// stream ends).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { FlotillaError } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { bearerToken } from '../auth.ts';
import { resolveCredential } from '../credentials.ts';
import { currentPolicy } from '../../rbac/current-policy.ts';
import type { RbacEnforcer } from '../../rbac/enforcer.ts';
import { listScope } from '../rbac.ts';
import { changesToResume, type Change } from '../../store/change-feed.ts';
import { feedReaderOf, stopFeedReader } from '../stream/feed-reader.ts';
import { SseConnection } from '../stream/sse-connection.ts';
import { applicationItems, clusterItems, latestPerName, type StreamItem } from '../stream/stream-items.ts';

/** How streams behave (tests shorten the heartbeat). */
export interface StreamOptions {
  heartbeatMs: number;
  /** A resume also sends changes written this long before the client's id (they may have committed after it). */
  resumeLookbackMs: number;
  /** Batches one stream may have waiting to be sent before it is cut as too slow. */
  maxPendingBatches: number;
}

const DEFAULTS: StreamOptions = { heartbeatMs: 15_000, resumeLookbackMs: 5_000, maxPendingBatches: 64 };

const StreamQuery = Type.Object({ lastEventId: Type.Optional(Type.String({ description: 'resume after this event id (as the Last-Event-ID header)' })) });

interface StreamKind {
  kind: Change['kind'];
  resource: 'applications' | 'clusters';
  event: string;
  items(ctx: HubContext, changes: Change[]): Promise<StreamItem[]>;
}

const KINDS: Record<'applications' | 'clusters', StreamKind> = {
  applications: { kind: 'application', resource: 'applications', event: 'application', items: applicationItems },
  clusters: { kind: 'cluster', resource: 'clusters', event: 'cluster', items: clusterItems },
};

/** /api/v1/stream. */
export const streamRoutes = (ctx: HubContext, options: Partial<StreamOptions> = {}): FastifyPluginAsync => async (app) => {
  const settings = { ...DEFAULTS, ...options };
  const open = new Set<SseConnection>();
  // One load per batch of changes and kind, shared by every stream of this replica.
  const loaded = new WeakMap<Change[], Map<string, Promise<{ items: StreamItem[]; enforcer: RbacEnforcer }>>>();
  const itemsOf = (batch: Change[], of: StreamKind) => {
    const perKind = loaded.get(batch) ?? new Map();
    loaded.set(batch, perKind);
    let load = perKind.get(of.kind);
    if (!load) {
      load = (async () => ({ items: await of.items(ctx, latestPerName(batch, of.kind)), enforcer: await currentPolicy(ctx.pool, ctx.log).enforcer() }))();
      perKind.set(of.kind, load);
    }
    return load;
  };

  const stream = (of: StreamKind) => async (request: FastifyRequest<{ Querystring: Static<typeof StreamQuery> }>, reply: FastifyReply) => {
    const subject = { account: request.account, groups: request.groups ?? [] };
    const token = bearerToken(request) ?? '';
    const after = resumeId(request.headers['last-event-id'] ?? request.query.lastEventId);
    const reader = feedReaderOf(ctx.pool, ctx.log);
    const log = ctx.log.child({ component: 'stream', stream: of.resource, account: subject.account });
    // Subscribed before the response starts: a client that acts once it sees the headers misses nothing.
    const sse = new SseConnection(reply.raw);
    const sendItems = (items: StreamItem[], enforcer: RbacEnforcer) => {
      for (const item of items) {
        if (!enforcer.decide(subject, of.resource, 'get', item.object).allowed) continue;
        if ('deleted' in item) sse.send('deleted', { name: item.name }, item.id);
        else sse.send(of.event, item.item, item.id);
      }
    };
    // One step at a time per stream: the backlog first, then each batch in order.
    let pending = 0;
    let chain = Promise.resolve();
    const enqueue = (step: () => Promise<void>) => {
      if (++pending > settings.maxPendingBatches) {
        log.warn({ pending }, 'stream too slow for its changes; closing it (the client resumes)');
        return sse.end();
      }
      chain = chain.then(() => (sse.closed ? undefined : step())).catch((error: unknown) => {
        log.error({ err: error }, 'sending changes failed; closing the stream (the client resumes)');
        sse.end();
      }).finally(() => { pending--; });
    };

    let release!: (position: number) => void;
    const subscribed = new Promise<number>((resolve) => (release = resolve));
    enqueue(async () => {
      const position = await subscribed;
      if (after === undefined) {
        sse.mark(position);
        return;
      }
      // A caller who may get none of these is sent nothing: nothing missed is loaded for it.
      if (after !== 'invalid' && !listScope(request, of.resource).allow.length) {
        sse.mark(position);
        return;
      }
      const missed = after === 'invalid' ? undefined : await changesToResume(ctx.pool, of.kind, after, position, settings.resumeLookbackMs);
      if (!missed) {
        sse.send('reset', { reason: 'the stream cannot resume from that id: load the list again' }, position);
        return;
      }
      const batch = latestPerName(missed, of.kind);
      sendItems(await of.items(ctx, batch), await currentPolicy(ctx.pool, ctx.log).enforcer());
      sse.mark(position);
    });
    let subscription: Awaited<ReturnType<typeof reader.subscribe>>;
    try {
      subscription = await reader.subscribe((batch) => {
        if (batch.some((c) => c.kind === of.kind)) enqueue(async () => { const { items, enforcer } = await itemsOf(batch, of); sendItems(items, enforcer); });
      });
    } catch (error) {
      log.error({ err: error }, 'cannot read the change feed');
      throw new FlotillaError('FLT_ERR_UNAVAILABLE', 'the hub cannot read its change feed now: try again');
    }
    reply.hijack();
    sse.start();
    open.add(sse);
    release(subscription.position);

    const heartbeat = setInterval(() => {
      sse.comment('heartbeat');
      resolveCredential(ctx, token, { ip: request.ip }).catch(() => {
        log.info('the credential of a stream is no longer valid; closing it');
        sse.end();
      });
    }, settings.heartbeatMs);
    sse.onClose(() => {
      clearInterval(heartbeat);
      subscription.unsubscribe();
      open.delete(sse);
    });
  };

  const schema = (of: StreamKind) => ({
    summary: `Server-Sent Events of ${of.resource} as listed (event: ${of.event}, deleted, reset), those the caller may get; resumable with Last-Event-ID`,
    tags: [of.resource],
    querystring: StreamQuery,
    // Not in the OpenAPI document: a response that never ends is no operation a client generator
    // (or schemathesis, test/fuzz) can call; docs/api.md#streams describes the events.
    hide: true,
  });
  for (const of of Object.values(KINDS)) {
    app.get<{ Querystring: Static<typeof StreamQuery> }>(`/${of.resource}`, { config: { rbac: { resource: of.resource, action: 'get', list: true } }, schema: schema(of) }, stream(of));
  }
  // A server closing waits for its open responses: end the streams first (clients reconnect elsewhere).
  app.addHook('preClose', async () => {
    for (const sse of open) sse.end();
  });
  app.addHook('onClose', async () => stopFeedReader(ctx.pool));
};

/** The id a stream resumes after: none (a fresh stream), a number, or 'invalid' (answered with a reset). */
function resumeId(value: string | string[] | undefined): number | 'invalid' | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === '') return undefined;
  return /^\d{1,15}$/.test(text) ? Number(text) : 'invalid';
}
