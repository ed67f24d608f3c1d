// Rendering benchmark: one Helm application on 100 clusters (issue 14). 100 Applications with the
// same source (a 20-object chart) and an explicit `helm.releaseName`, one per cluster, as an
// ApplicationSet's cluster generator makes them; every cluster reports the same capabilities.
// Created through the API (each one asks for a render), then three commits change the chart's
// values and RepoService.refresh refreshes all 100 after each. The figure is the hub's render
// counter (RepoService.stats.renders) per commit. Argo CD's repo server caches manifests per
// application and commit, so each of its 100 Applications renders once per commit: its figure is
// the number of applications, a fact of its design, not a measurement made here.
import { performance } from 'node:perf_hooks';
import { helmApp, objectsOf, shopChart, shopValues, startRenderWorld, clusterName } from './render-world.ts';
import { format, printTable, seconds, type BenchOptions, type BenchResult } from './report.ts';

export async function renderFleet(options: BenchOptions, result: BenchResult): Promise<void> {
  const clusters = options.quick ? 20 : 100;
  const commits = 3;
  const world = await startRenderWorld({ clusters, repos: { shop: shopChart('chart', 3) } });
  const rows: string[][] = [];
  try {
    const apps = Array.from({ length: clusters }, (_, i) => helmApp(`shop-${clusterName(i)}`, world.repoURL('shop'), 'chart', clusterName(i), 'shop', { releaseName: 'shop' }));
    const created = performance.now();
    await world.createApps(apps);
    const first = world.stats();
    console.log(`   ${clusters} applications created and rendered in ${format(seconds(performance.now() - created), 's')}: ${first.renders} render(s) of the ${objectsOf(3)}-object chart, ${first.renderCacheHits} cache hits`);
    rows.push(['applications created', String(clusters), String(first.renders), String(clusters)]);
    for (let c = 1; c <= commits; c++) {
      world.git.commit('shop', { 'chart/values.yaml': shopValues(3, 'acme').replace('logLevel: INFO', `logLevel: DEBUG${c}`) });
      const before = world.stats();
      const started = performance.now();
      await world.t.hub.ctx.repo.refresh(await world.apps());
      const ms = performance.now() - started;
      const renders = world.stats().renders - before.renders;
      console.log(`   commit ${c}: refresh of ${clusters} applications in ${format(seconds(ms), 's')}, ${renders} render(s)`);
      rows.push([`commit ${c} (values.yaml changed)`, String(clusters), String(renders), String(clusters)]);
      result.figures.push({ metric: `renders per commit, Helm app on ${clusters} clusters (commit ${c})`, unit: 'count', flotilla: renders, baseline: clusters, baselineLabel: 'applications', argo: `${clusters} (one per application)`, target: '1', met: renders === 1 });
    }
    const bundles = new Set((await world.apps()).map((a) => a.bundleKey));
    console.log(`   the ${clusters} applications share ${bundles.size} bundle(s)`);
  } finally {
    if (rows.length) printTable(`Renders of one Helm application (${objectsOf(3)} objects) on ${clusters} clusters with equal capabilities`, ['', 'applications', 'Flotilla renders', 'Argo CD renders'], rows);
    await world.stop();
  }
}
