// Rendering benchmark: a one-application commit in a monorepo of 100 applications (issue 14).
// One repository holds 100 Helm charts (apps/app-N, each the 20-object chart with its own values)
// and a README; 100 Applications, one per chart, on one cluster. Three commits each change one
// application's values.yaml (and the README), then RepoService.refresh refreshes all 100. The
// figure is the hub's render counter per commit. Argo CD caches manifests by commit, so a commit
// anywhere renders all 100 again: its figure is the number of applications (a fact of its design).
import { performance } from 'node:perf_hooks';
import { helmApp, objectsOf, shopChart, shopValues, startRenderWorld, clusterName } from './render-world.ts';
import { format, printTable, seconds, type BenchOptions, type BenchResult } from './report.ts';

export async function renderMonorepo(options: BenchOptions, result: BenchResult): Promise<void> {
  const count = options.quick ? 20 : 100;
  const files: Record<string, string> = { 'README.md': '# shop monorepo\n' };
  for (let i = 0; i < count; i++) Object.assign(files, shopChart(`apps/app-${i}`, 3, `tenant-${i}`));
  const world = await startRenderWorld({ clusters: 1, repos: { mono: files } });
  const rows: string[][] = [];
  try {
    const apps = Array.from({ length: count }, (_, i) => helmApp(`app-${i}`, world.repoURL('mono'), `apps/app-${i}`, clusterName(0), `app-${i}`, {}));
    const created = performance.now();
    await world.createApps(apps);
    const first = world.stats();
    console.log(`   ${count} applications created and rendered in ${format(seconds(performance.now() - created), 's')}: ${first.renders} renders`);
    rows.push(['applications created', String(count), String(first.renders), String(count)]);
    for (const [c, app] of [7, 42 % count, 99 % count].entries()) {
      world.git.commit('mono', { [`apps/app-${app}/values.yaml`]: shopValues(3, `tenant-${app}`).replace('logLevel: INFO', `logLevel: DEBUG${c}`), 'README.md': `# shop monorepo, edit ${c}\n` });
      const before = world.stats();
      const started = performance.now();
      await world.t.hub.ctx.repo.refresh(await world.apps());
      const ms = performance.now() - started;
      const renders = world.stats().renders - before.renders;
      const moved = (await world.apps()).filter((a) => a.revision === world.git.revParse('mono', 'main')).length;
      console.log(`   commit ${c + 1} (apps/app-${app}/values.yaml): refresh of ${count} applications in ${format(seconds(ms), 's')}, ${renders} render(s), ${moved} at the new revision`);
      rows.push([`commit ${c + 1}: app-${app}'s values.yaml and the README`, String(count), String(renders), String(count)]);
      result.figures.push({ metric: `renders for a one-app commit, monorepo of ${count} apps (commit ${c + 1})`, unit: 'count', flotilla: renders, baseline: count, baselineLabel: 'applications', argo: `${count} (one per application)`, target: '1', met: renders === 1 });
    }
  } finally {
    if (rows.length) printTable(`Renders for one-application commits in a monorepo of ${count} Helm applications (${objectsOf(3)} objects each)`, ['', 'applications', 'Flotilla renders', 'Argo CD renders'], rows);
    await world.stop();
  }
}
