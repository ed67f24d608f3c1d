// UI benchmark (issue 17): headless Chromium (Debian's, through playwright-core) against a hub in
// this process with 10,000 applications on 100 clusters seeded straight into the store. Measured:
// time to the first rows of /applications and /fleet (navigation start to the first application
// link in the table), p50 over 5 loads cold (HTTP cache cleared) and 5 warm (same page again, 10 and
// 10 without --quick); the page's JS heap once the list is shown (CDP Runtime.getHeapUsage); the
// gzipped size of the JavaScript it loads (each script response gzipped, summed); and the delay
// from a status change at the hub (an UPDATE of the stored status, as an agent report makes) to
// the application page showing it, p50 over 10 changes (a MutationObserver in the page stamps when
// the text changed). Targets: first rows < 1 s, JS < 200 KB gzipped, change shown < 1 s. Argo CD's
// list alone takes 2.5–4.3 s at 6,000 applications (argo-cd #28090).
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { hasChromium, launchBrowser } from '../support/browser.ts';
import { format, percentile, printTable, seconds, type BenchOptions, type BenchResult } from './report.ts';
import { seedStatuses } from './seed-statuses.ts';

const APPS = 10_000;
const CLUSTERS = 100;
const ARGO = '2.5-4.3 s list, 6,000 apps (#28090)';
const SESSION_COOKIE = 'flotilla.token';

/** Seeds clusters, applications and their agent statuses with three INSERT … SELECT statements. */
async function seed(t: TestHub): Promise<void> {
  const pool = t.hub.ctx.pool;
  await pool.query(`INSERT INTO clusters (name, labels) SELECT 'cluster-' || lpad(i::text, 3, '0'), jsonb_build_object('region', (ARRAY['eu','us','ap'])[i % 3 + 1]) FROM generate_series(0, $1 - 1) i`, [CLUSTERS]);
  await pool.query(
    `INSERT INTO applications (name, project, metadata, spec, cluster_id, repo_url, revision)
     SELECT 'app-' || lpad(i::text, 5, '0'), 'default', jsonb_build_object('labels', jsonb_build_object('env', (ARRAY['prod','staging','dev'])[i % 3 + 1])),
       jsonb_build_object('project', 'default',
         'source', jsonb_build_object('repoURL', 'https://git.example.com/fleet/apps.git', 'path', 'apps/app-' || (i / $2), 'targetRevision', 'main'),
         'destination', jsonb_build_object('name', 'cluster-' || lpad((i % $2)::text, 3, '0'), 'namespace', 'ns-' || (i % 20))),
       (SELECT id FROM clusters WHERE name = 'cluster-' || lpad((i % $2)::text, 3, '0')),
       'https://git.example.com/fleet/apps.git', md5(i::text) || '00000000'
     FROM generate_series(0, $1 - 1) i`,
    [APPS, CLUSTERS],
  );
  await seedStatuses(pool);
  // The seed is no change a stream must carry: the feed starts empty.
  await pool.query('TRUNCATE change_feed');
  await pool.query('ANALYZE');
}

/** Loads `path` and answers the ms from navigation start until a link to an application shows in the body of `table`. */
async function firstRows(page: Page, url: string, table: string): Promise<number> {
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  // The fleet matrix's cells are links to applications too (named by their status, titled by the app).
  await page.getByRole('table', { name: table }).locator('tbody a[href^="/applications/app-"]').first().waitFor({ timeout: 30_000 });
  return performance.now() - started;
}

/** p50 of `n` cold loads (HTTP cache cleared first) and `n` warm ones. */
async function loads(page: Page, url: string, table: string, n: number): Promise<{ cold: number; warm: number }> {
  const cdp = await page.context().newCDPSession(page);
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < n; i++) {
    await cdp.send('Network.clearBrowserCache');
    await page.goto('about:blank');
    cold.push(await firstRows(page, url, table));
  }
  for (let i = 0; i < n; i++) warm.push(await firstRows(page, url, table));
  await cdp.detach();
  return { cold: percentile(cold, 50), warm: percentile(warm, 50) };
}

/** The delay (ms) from an UPDATE of the app's stored status to its page showing it, per change. */
async function changeShown(t: TestHub, page: Page, app: string, n: number): Promise<number[]> {
  await page.goto(`${t.hub.url}/applications/${app}`);
  const label = page.getByLabel('Sync status');
  await label.waitFor();
  // Let the stream connect (the page subscribes once it shows the application).
  await new Promise((r) => setTimeout(r, 1_000));
  // In the page (a string: this file is typed without the DOM): stamp every change of the status text.
  await page.evaluate(`(() => {
    window.shown = [];
    const target = document.querySelector('[aria-label="Sync status"]');
    new MutationObserver(() => window.shown.push({ text: target.textContent || '', at: performance.timeOrigin + performance.now() }))
      .observe(target, { subtree: true, childList: true, characterData: true });
  })()`);
  const delays: number[] = [];
  let current = ((await label.textContent()) ?? '').includes('OutOfSync') ? 'OutOfSync' : 'Synced';
  for (let i = 0; i < n; i++) {
    const next = current === 'Synced' ? 'OutOfSync' : 'Synced';
    const at = Date.now();
    await t.hub.ctx.pool.query(`UPDATE application_status SET seq = seq + 1, status = jsonb_set(status, '{sync,status}', to_jsonb($2::text)), updated_at = now() WHERE app_name = $1`, [app, next]);
    // A function, not a string: the UI's CSP (default-src 'self') forbids eval in the page.
    const shownAt = await page.waitForFunction(
      ({ want, since }) => (globalThis as unknown as { shown: { text: string; at: number }[] }).shown
        .find((s) => s.at >= since && s.text.includes(want) && (want !== 'Synced' || !s.text.includes('OutOfSync')))?.at,
      { want: next, since: at - 5 }, { timeout: 10_000, polling: 50 },
    );
    delays.push((await shownAt.jsonValue() as number) - at);
    current = next;
    await new Promise((r) => setTimeout(r, 200));
  }
  return delays;
}

/** Runs the UI benchmark and records its figures. */
export async function uiBench(options: BenchOptions, result: BenchResult): Promise<void> {
  if (!hasChromium()) throw new Error('no Chromium at /usr/bin/chromium: apt-get install chromium (.ci/run does)');
  if (!existsSync(fileURLToPath(new URL('../../hub/ui/dist/index.html', import.meta.url)))) throw new Error('the UI is not built: npm run build');
  const n = options.quick ? 5 : 10;
  const t = await startTestHub({ pollIntervalMs: 3_600_000 });
  const browser = await launchBrowser();
  try {
    const seeded = performance.now();
    await seed(t);
    console.log(`seeded ${APPS} applications on ${CLUSTERS} clusters in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
    await browser.context.addCookies([{ name: SESSION_COOKIE, value: t.token, url: t.hub.url }]);
    const page = await browser.context.newPage();
    // The JavaScript the applications page loads, gzipped as a server would send it.
    const scripts = new Map<string, number>();
    page.on('response', (res) => {
      if (res.request().resourceType() !== 'script') return;
      void res.body().then((body) => scripts.set(res.url(), gzipSync(body).length), () => {});
    });
    const apps = await loads(page, `${t.hub.url}/applications`, 'Applications', n);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
    await cdp.detach();
    const jsGzip = [...scripts.values()].reduce((a, b) => a + b, 0);
    const fleet = await loads(page, `${t.hub.url}/fleet`, 'Fleet', n);
    const delays = await changeShown(t, page, 'app-00042', n);
    const shown = percentile(delays, 50);
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
    printTable(`UI over ${APPS.toLocaleString('en')} applications on ${CLUSTERS} clusters, headless Chromium (Argo CD: ${ARGO})`, ['measure', 'value', 'target'], [
      ['/applications first rows, cold (p50)', format(seconds(apps.cold), 's'), '< 1 s'],
      ['/applications first rows, warm (p50)', format(seconds(apps.warm), 's'), '< 1 s'],
      ['/fleet first rows, cold (p50)', format(seconds(fleet.cold), 's'), '< 1 s'],
      ['/fleet first rows, warm (p50)', format(seconds(fleet.warm), 's'), '< 1 s'],
      ['JS heap of /applications (used / total)', `${(heap.usedSize / 2 ** 20).toFixed(1)} / ${(heap.totalSize / 2 ** 20).toFixed(1)} MB`, '—'],
      [`JS loaded, gzipped (${scripts.size} scripts)`, kb(jsGzip), '< 200 KB'],
      [`status change at the hub → page shows it (p50 of ${n}; max)`, `${format(seconds(shown), 's')}; ${format(seconds(Math.max(...delays)), 's')}`, '< 1 s'],
    ]);
    const figure = (metric: string, value: number, target: string, met: boolean, argo = ARGO) => result.figures.push({ metric, unit: 's', flotilla: seconds(value), baselineLabel: '', argo, target, met });
    figure('UI /applications first rows, cold p50', apps.cold, '< 1 s', apps.cold < 1000);
    figure('UI /applications first rows, warm p50', apps.warm, '< 1 s', apps.warm < 1000);
    figure('UI /fleet first rows, cold p50', fleet.cold, '< 1 s', fleet.cold < 1000);
    figure('UI /fleet first rows, warm p50', fleet.warm, '< 1 s', fleet.warm < 1000);
    figure('UI status change → shown p50', shown, '< 1 s', shown < 1000, '—');
    result.figures.push({ metric: 'UI JS heap of /applications (used)', unit: 'MB', flotilla: heap.usedSize / 2 ** 20, baselineLabel: '', argo: 'hundreds of MB (#9575)', target: '—' });
    result.figures.push({ metric: 'UI JS loaded, gzipped (KB)', unit: 'count', flotilla: Math.round(jsGzip / 1024), baselineLabel: '', argo: '—', target: '< 200 KB', met: jsGzip < 200 * 1024 });
  } finally {
    await browser.close();
    await t.stop(true);
  }
}
