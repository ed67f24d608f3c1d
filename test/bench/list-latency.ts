// List benchmark (issue 16 §7): `GET /api/v1/applications` latency over 10,000 applications in 50
// projects on 100 clusters, seeded straight into the store with bulk INSERTs (each with an agent
// status of 5 resources and a sync history entry, as a running fleet has). Measured through HTTP
// on a hub in this process (test/support/hub.ts): the first page of 100, a filtered page (health
// and a label selector), a deep page (continue from the 9,000th name) and the unpaged full list,
// each as admin and as a tenant whose role gets one project, p50 and p99 over 50 calls each (10
// with --quick). The full list is the baseline of the same run; Argo CD's figure is its full list
// at 6,000 applications (argo-cd #28090: 2.5-4.3 s).
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { createSession } from '../../hub/src/store/accounts.ts';
import { encodeContinue } from '../../hub/src/api/list-page.ts';
import { format, percentile, printTable, seconds, type BenchOptions, type BenchResult } from './report.ts';
import { seedStatuses } from './seed-statuses.ts';

const APPS = 10_000;
const PROJECTS = 50;
const CLUSTERS = 100;
const ARGO = '2.5-4.3 s full list, 6,000 apps (#28090)';

/** Seeds projects, clusters, applications, statuses and history with a handful of INSERT … SELECT statements. */
async function seed(t: TestHub): Promise<void> {
  const pool = t.hub.ctx.pool;
  const open = JSON.stringify({ sourceRepos: ['*'], destinations: [{ name: '*', namespace: '*', server: '*' }] });
  await pool.query(`INSERT INTO projects (name, spec) SELECT 'proj-' || lpad(i::text, 2, '0'), $1::jsonb FROM generate_series(0, $2 - 1) i`, [open, PROJECTS]);
  await pool.query(`INSERT INTO clusters (name, labels) SELECT 'cluster-' || lpad(i::text, 3, '0'), jsonb_build_object('region', (ARRAY['eu','us','ap'])[i % 3 + 1]) FROM generate_series(0, $1 - 1) i`, [CLUSTERS]);
  await pool.query(
    `INSERT INTO applications (name, project, metadata, spec, cluster_id, repo_url, revision)
     SELECT 'app-' || lpad(i::text, 5, '0'), 'proj-' || lpad((i % $2)::text, 2, '0'),
       jsonb_build_object('labels', jsonb_build_object('env', (ARRAY['prod','staging','dev'])[i % 3 + 1], 'team', 'team-' || (i % $2))),
       jsonb_build_object('project', 'proj-' || lpad((i % $2)::text, 2, '0'),
         'source', jsonb_build_object('repoURL', 'https://git.example.com/fleet/apps.git', 'path', 'apps/app-' || i, 'targetRevision', 'main'),
         'destination', jsonb_build_object('name', 'cluster-' || lpad((i % $3)::text, 3, '0'), 'namespace', 'ns-' || (i % 20)),
         'syncPolicy', jsonb_build_object('automated', jsonb_build_object('prune', true, 'selfHeal', true))),
       (SELECT id FROM clusters WHERE name = 'cluster-' || lpad((i % $3)::text, 3, '0')),
       'https://git.example.com/fleet/apps.git', md5(i::text) || '00000000'
     FROM generate_series(0, $1 - 1) i`,
    [APPS, PROJECTS, CLUSTERS],
  );
  await seedStatuses(pool);
  await pool.query(`INSERT INTO sync_history (app_name, revision, detail) SELECT name, revision, '{"initiatedBy":"admin"}' FROM applications`);
  await pool.query('ANALYZE');
}

/** Times n sequential GETs (the answer read whole); answers the latencies in ms and the last body's item count. */
async function time(t: TestHub, path: string, token: string, n: number): Promise<{ ms: number[]; items: number }> {
  const ms: number[] = [];
  let items = 0;
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await fetch(`${t.hub.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    ms.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    if (i === n - 1) items = (JSON.parse(text) as { items: unknown[] }).items.length;
  }
  return { ms, items };
}

/** Measures the list latencies and records their figures. */
export async function listLatency(options: BenchOptions, result: BenchResult): Promise<void> {
  const calls = options.quick ? 10 : 50;
  const fullCalls = options.quick ? 3 : 50;
  const t = await startTestHub({ pollIntervalMs: 3_600_000 });
  try {
    const seeded = performance.now();
    await seed(t);
    console.log(`seeded ${APPS} applications in ${PROJECTS} projects on ${CLUSTERS} clusters in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
    const pool = t.hub.ctx.pool;
    await pool.query("INSERT INTO accounts (name, password_hash) VALUES ('tenant', 'unused')");
    const tenant = (await createSession(pool, 'tenant', 3600)).token;
    const put = await t.api('PUT', '/api/v1/settings/rbac', 'p, role:proj-07, applications, get, proj-07/*, allow\ng, tenant, role:proj-07\n', { contentType: 'text/csv' });
    if (put.status !== 200) throw new Error(`policy: ${JSON.stringify(put.body)}`);
    const deepAdmin = encodeContinue('applications', `app-${String(9000).padStart(5, '0')}`);
    const deepTenant = encodeContinue('applications', `app-${String(9007).padStart(5, '0')}`);
    const cases: { who: string; token: string; label: string; path: string; n: number; page: boolean }[] = [];
    for (const [who, token, deep] of [['admin', t.token, deepAdmin], ['tenant (1 project)', tenant, deepTenant]] as const) {
      cases.push(
        { who, token, label: 'first page of 100', path: '/api/v1/applications?limit=100', n: calls, page: true },
        { who, token, label: 'filtered page (health=Progressing, env=prod)', path: '/api/v1/applications?limit=100&health=Progressing&selector=env%3Dprod', n: calls, page: true },
        { who, token, label: 'deep page (after the 9,000th name)', path: `/api/v1/applications?limit=100&continue=${deep}`, n: calls, page: true },
        { who, token, label: 'full list, unpaged', path: '/api/v1/applications', n: fullCalls, page: false },
      );
    }
    const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
    console.log(`load average before: ${load()}`);
    const rows: string[][] = [];
    const measured: { who: string; label: string; p50: number; p99: number; page: boolean }[] = [];
    for (const c of cases) {
      await time(t, c.path, c.token, 5); // warm: the enforcer, plans, JIT
      const { ms, items } = await time(t, c.path, c.token, c.n);
      const p50 = percentile(ms, 50);
      const p99 = percentile(ms, 99);
      measured.push({ who: c.who, label: c.label, p50, p99, page: c.page });
      rows.push([c.who, c.label, String(items), String(c.n), format(seconds(p50), 's'), format(seconds(p99), 's')]);
    }
    console.log(`load average after: ${load()}`);
    printTable(`GET /api/v1/applications over ${APPS.toLocaleString('en')} applications (Argo CD: ${ARGO})`, ['caller', 'request', 'items', 'calls', 'p50', 'p99'], rows);
    for (const m of measured) {
      const full = measured.find((x) => x.who === m.who && !x.page)!;
      result.figures.push({
        metric: `list ${m.who}: ${m.label}, p99`,
        unit: 's',
        flotilla: seconds(m.p99),
        ...(m.page ? { baseline: seconds(full.p50), baselineLabel: 'unpaged full list p50' } : { baselineLabel: '' }),
        argo: ARGO,
        target: m.page ? 'p99 < 0.1 s' : '—',
        ...(m.page ? { met: m.p99 < 100 } : {}),
      });
    }
  } finally {
    await t.stop(true);
  }
}
