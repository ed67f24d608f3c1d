// Prometheus metrics at /metrics: process metrics, render and Git counters, connected agents, and
// applications by sync and health status (read from the store at scrape time; an app-of-apps
// parent, whose status the hub computes rather than an agent reports, counted as the API shows it).
import type { FastifyPluginAsync } from 'fastify';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { HubContext } from '../context.ts';
import { listApplications } from '../../store/applications.ts';
import { hubStatusOf } from '../../controllers/app-of-apps.ts';

/** GET /metrics. */
export const metricsRoutes = (ctx: HubContext, connectedAgents: () => number): FastifyPluginAsync => async (app) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'flotilla_hub_' });
  const stats = ctx.repo.stats;
  const fromStats = (name: string, help: string, read: () => number) => {
    let last = 0;
    const counter = new Counter({ name, help, registers: [registry], collect() {
      const now = read();
      if (now > last) counter.inc(now - last);
      last = now;
    } });
  };
  fromStats('flotilla_renders_total', 'Sources rendered (each content key once)', () => stats.renders);
  fromStats('flotilla_render_cache_hits_total', 'Refreshes answered from the render cache', () => stats.renderCacheHits);
  fromStats('flotilla_git_ls_remote_total', 'Remote ref listings (one per repository per refresh)', () => stats.lsRemote);
  fromStats('flotilla_refresh_failures_total', 'Refreshes that ended in a condition (unreachable repo, render error)', () => stats.failures);
  new Gauge({ name: 'flotilla_agents_connected', help: 'Agents connected to this hub replica', registers: [registry], collect() {
    this.set(connectedAgents());
  } });
  const apps = new Gauge({ name: 'flotilla_applications', help: 'Applications by sync and health status', labelNames: ['sync_status', 'health_status'], registers: [registry] });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    const rows = (await ctx.pool.query<{ sync: string | null; health: string | null; n: string }>(
      `SELECT s.status->'sync'->>'status' AS sync, s.status->'health'->>'status' AS health, count(*) AS n
         FROM applications a LEFT JOIN application_status s ON s.app_name = a.name WHERE a.cluster_id IS NOT NULL GROUP BY 1, 2`,
    )).rows;
    const counts = new Map<string, { sync: string; health: string; n: number }>();
    const add = (sync: string, health: string, n: number) => {
      const key = `${sync}\u0000${health}`;
      counts.set(key, { sync, health, n: (counts.get(key)?.n ?? 0) + n });
    };
    for (const r of rows) add(r.sync ?? 'Unknown', r.health ?? 'Unknown', Number(r.n));
    for (const parent of await listApplications(ctx.pool, { hubOnly: true })) {
      const status = await hubStatusOf(ctx.pool, ctx.secrets, parent);
      add(status.sync.status, status.health.status, 1);
    }
    apps.reset();
    for (const c of counts.values()) apps.set({ sync_status: c.sync, health_status: c.health }, c.n);
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
};
