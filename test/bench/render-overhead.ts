// Rendering benchmark: what the hub adds to `helm template` on a large chart (issue 14, target
// ≤ 1.1×). The chart is the 20-object application chart with 666 components: 3,998 objects,
// about 4 MB of output. Rounds alternate three runs, all warm (one discarded round first, so the
// page cache, helm's binary and the hub's Git cache are hot for every side alike):
//   - baseline: `helm template` run directly on a plain copy of the chart, with the arguments the
//     driver passes (release, namespace, --kube-version, --api-versions, --include-crds) and a
//     helm home of its own, its standard output read whole;
//   - the render: the hub's render dispatcher (Renderer.render, as RepoService runs it): a scratch
//     checkout of the commit, the Helm driver's checks, the same `helm template`, its output read
//     into manifests; the longest event-loop stall during it, and the CPU time of both sides
//     (helm's, and for the render also the hub process's: load on the machine stretches wall
//     time, not CPU time), are measured too;
//   - for information, a hard refresh through RepoService (ls-remote, fetch, render, the bundle
//     stored encrypted in PostgreSQL).
// Then helm's output is read by the fast reader and by the `yaml` library alone (the same-run
// baseline of the parse), and as the Helm driver reads it, chunk by chunk; all must give the same manifests.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Renderer } from '../../hub/src/repo/render/index.ts';
import { releaseOf, templateArgs } from '../../hub/src/repo/render/helm-args.ts';
import { parseHelmOutput, sourceToRepoPath } from '../../hub/src/repo/render/helm-output.ts';
import { HelmOutputReader } from '../../hub/src/repo/render/helm-output-stream.ts';
import { readFilesUnder } from '../../hub/src/repo/git.ts';
import { DEFAULT_REPO_LIMITS } from '../../hub/src/repo/repo-limits.ts';
import { CAPABILITIES, clusterName, helmApp, objectsOf, shopChart, startRenderWorld, timed } from './render-world.ts';
import { childrenCpuSecondsOf } from './proc.ts';
import { format, percentile, printTable, ratio, seconds, type BenchOptions, type BenchResult } from './report.ts';

const RELEASE = 'shop';
const NAMESPACE = 'shop';

export async function renderOverhead(options: BenchOptions, result: BenchResult): Promise<void> {
  const components = options.quick ? 166 : 666;
  const rounds = options.quick ? 3 : 7;
  const objects = objectsOf(components);
  const files = shopChart('chart', components);
  const world = await startRenderWorld({ clusters: 1, repos: { large: files } });
  const scratch = mkdtempSync(join(tmpdir(), 'flotilla-bench-render-'));
  const rows: string[][] = [];
  try {
    const helm = world.t.hub.ctx.repo.tools.helm;
    if (!helm) throw new Error('no helm binary found (npm run cluster:build builds it)');
    // The baseline's chart: a plain copy of the same files, and a helm home of its own.
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(scratch, 'plain', path)), { recursive: true });
      writeFileSync(join(scratch, 'plain', path), content);
    }
    const home = join(scratch, 'helm-home');
    mkdirSync(home);
    const helmEnv = { HOME: home, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') };
    const capabilities = { kubeVersion: CAPABILITIES.kubeVersion, apiVersions: [...CAPABILITIES.apiVersions].sort() };
    const args = templateArgs({
      ...releaseOf({ releaseName: RELEASE }, 'large', NAMESPACE), chart: join(scratch, 'plain', 'chart'), kubeVersion: capabilities.kubeVersion, apiVersions: capabilities.apiVersions,
      valueFiles: [], parameters: [], fileParameters: [], includeCrds: true, skipTests: false, skipSchemaValidation: false,
    });

    // The hub renders it once when the application is created (cold: a first fetch and checkout).
    const app = helmApp('large', world.repoURL('large'), 'chart', clusterName(0), NAMESPACE, { releaseName: RELEASE });
    const created = performance.now();
    await world.createApps([app]);
    console.log(`   application created and first rendered (cold) in ${format(seconds(performance.now() - created), 's')}`);

    // The dispatcher as RepoService builds it, on the Git server's repository at the commit.
    const renderer = new Renderer({
      tools: world.t.hub.ctx.repo.tools, bounds: { timeoutMs: 90_000, maxOutputBytes: 2 * DEFAULT_REPO_LIMITS.maxBundleBytes }, scratchDir: join(scratch, 'render'),
      concurrency: 1, maxFileBytes: DEFAULT_REPO_LIMITS.maxFileBytes, kustomizeBuildOptions: [], helmCredentials: () => undefined,
    });
    const gitdir = join(world.git.root, 'repos', 'large.git');
    const commit = world.git.revParse('large', 'main');
    const source = { repoURL: world.repoURL('large'), path: 'chart', targetRevision: 'main', helm: { releaseName: RELEASE } };
    const job = { source, path: 'chart', tree: { gitdir, commit }, files: await readFilesUnder(gitdir, commit, 'chart'), appName: 'large', namespace: NAMESPACE, revision: commit, project: 'default', capabilities, refs: {} };

    const direct: number[] = [];
    const rendered: number[] = [];
    const refreshed: number[] = [];
    const stalls: number[] = [];
    const cpu: { helm: number[]; render: number[] } = { helm: [], render: [] };
    let stdout = '';
    let manifests = 0;
    for (let round = 0; round <= rounds; round++) {
      let children = childrenCpuSecondsOf('self');
      const h = await timed(helm, args, { env: helmEnv, cwd: home });
      const helmCpu = childrenCpuSecondsOf('self') - children;
      stdout = h.stdout;
      children = childrenCpuSecondsOf('self');
      const own = process.cpuUsage();
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      const started = performance.now();
      const answer = await renderer.render(job);
      const renderMs = performance.now() - started;
      const ownCpu = process.cpuUsage(own);
      const renderCpu = childrenCpuSecondsOf('self') - children + (ownCpu.user + ownCpu.system) / 1e6;
      delay.disable();
      if (!answer.ok) throw new Error(`the render failed: ${JSON.stringify(answer.errors.slice(0, 3))}`);
      manifests = answer.manifests.length;
      const refreshStarted = performance.now();
      await world.t.hub.ctx.repo.refresh(await world.apps(['large']), { hard: true });
      const refreshMs = performance.now() - refreshStarted;
      if (round === 0) continue; // warm-up
      direct.push(h.ms);
      rendered.push(renderMs);
      refreshed.push(refreshMs);
      stalls.push(delay.max / 1e6);
      cpu.helm.push(helmCpu);
      cpu.render.push(renderCpu);
      console.log(`   round ${round}: helm template ${format(seconds(h.ms), 's')}, Renderer.render ${format(seconds(renderMs), 's')} (longest event-loop stall ${format(seconds(delay.max / 1e6), 's')}), hard refresh ${format(seconds(refreshMs), 's')}`);
    }
    if (manifests !== objects) throw new Error(`the render gave ${manifests} manifests, expected ${objects}`);
    const [helmP50, renderP50, refreshP50] = [direct, rendered, refreshed].map((v) => percentile(v, 50)) as [number, number, number];
    // Each round's two runs are back to back: their ratio and difference do not drift with the machine's load.
    const paired = rendered.map((ms, i) => ms / direct[i]!);
    const added = rendered.map((ms, i) => ms - direct[i]!);
    const pairedP50 = percentile(paired, 50);
    console.log(`   per round, render ÷ helm template: p50 ${pairedP50.toFixed(2)}×, max ${Math.max(...paired).toFixed(2)}×; render − helm template: p50 ${format(seconds(percentile(added, 50)), 's')}`);
    rows.push([`render of a ${objects}-object chart, p50 of ${rounds}`, format(seconds(renderP50), 's'), format(seconds(helmP50), 's'), ratio(renderP50, helmP50)]);
    rows.push(['the same, per round (render ÷ helm template, p50)', '—', '—', `${pairedP50.toFixed(2)}×`]);
    rows.push(['hard refresh through RepoService (bundle stored), p50', format(seconds(refreshP50), 's'), format(seconds(helmP50), 's'), ratio(refreshP50, helmP50)]);
    result.figures.push({ metric: `render of a ${objects}-object chart vs helm template`, unit: 's', flotilla: seconds(renderP50), baseline: seconds(helmP50), baselineLabel: 'helm template, run directly', argo: '—', target: '≤ 1.1× (per round, p50)', met: pairedP50 <= 1.1 });
    result.figures.push({ metric: `hard refresh of the ${objects}-object chart (bundle stored)`, unit: 's', flotilla: seconds(refreshP50), baseline: seconds(helmP50), baselineLabel: 'helm template, run directly', argo: '—', target: '—' });
    const [helmCpuP50, renderCpuP50] = [percentile(cpu.helm, 50), percentile(cpu.render, 50)];
    console.log(`   CPU time (user + system), p50: helm template ${format(helmCpuP50, 's')}; the render ${format(renderCpuP50, 's')} (helm's and the hub process's), ${ratio(renderCpuP50, helmCpuP50)}`);
    rows.push(['CPU time of a render (helm + the hub process), p50', format(renderCpuP50, 's'), format(helmCpuP50, 's'), ratio(renderCpuP50, helmCpuP50)]);
    console.log(`   longest event-loop stall during a render: p50 ${format(seconds(percentile(stalls, 50)), 's')}, max ${format(seconds(Math.max(...stalls)), 's')}`);

    // The parse alone, on helm's output of the last round: fast reader against the yaml library.
    const fileOf = (s: string) => sourceToRepoPath(s, 'chart');
    const parses: { fast: number[]; full: number[] } = { fast: [], full: [] };
    let fastResult: ReturnType<typeof parseHelmOutput> | undefined;
    let fullResult: ReturnType<typeof parseHelmOutput> | undefined;
    const counts = { fast: 0, full: 0 };
    for (let round = 0; round < 3; round++) {
      let t0 = performance.now();
      fastResult = parseHelmOutput(stdout, fileOf, 'chart', round === 0 ? { counts } : {});
      parses.fast.push(performance.now() - t0);
      t0 = performance.now();
      fullResult = parseHelmOutput(stdout, fileOf, 'chart', { fast: false });
      parses.full.push(performance.now() - t0);
    }
    assert.deepEqual(fastResult, fullResult, 'the fast reader and the yaml library read helm\'s output alike');
    // As the Helm driver reads it: chunk by chunk as a pipe delivers them (64 KB), the longest chunk's hold on the event loop kept.
    const bytes = Buffer.from(stdout, 'utf8');
    const streamed: number[] = [];
    let longestPush = 0;
    for (let round = 0; round < 3; round++) {
      const t0 = performance.now();
      const reader = new HelmOutputReader(fileOf, 'chart');
      for (let o = 0; o < bytes.length; o += 65536) {
        const p0 = performance.now();
        reader.push(bytes.subarray(o, o + 65536));
        longestPush = Math.max(longestPush, performance.now() - p0);
      }
      const e0 = performance.now();
      assert.deepEqual(reader.end(), fastResult, 'read as it arrives, helm\'s output gives the same manifests');
      longestPush = Math.max(longestPush, performance.now() - e0);
      streamed.push(performance.now() - t0);
    }
    console.log(`   read as it arrives (64 KB chunks): ${format(seconds(percentile(streamed, 50)), 's')} in all, the event loop held at most ${format(seconds(longestPush), 's')} at a time; same manifests`);
    const [fastP50, fullP50] = [percentile(parses.fast, 50), percentile(parses.full, 50)];
    console.log(`   reading helm's ${(stdout.length / 1048576).toFixed(1)} MB of output: fast reader ${format(seconds(fastP50), 's')} (${counts.fast} documents, ${counts.full} left to the yaml library), the yaml library alone ${format(seconds(fullP50), 's')}; same manifests`);
    rows.push([`reading helm's output (${(stdout.length / 1048576).toFixed(1)} MB), p50 of 3`, format(seconds(fastP50), 's'), `${format(seconds(fullP50), 's')} (yaml library)`, ratio(fastP50, fullP50)]);
    result.figures.push({ metric: `reading helm's output of ${objects} objects`, unit: 's', flotilla: seconds(fastP50), baseline: seconds(fullP50), baselineLabel: 'the yaml library, same output', argo: '—', target: '—' });
  } finally {
    if (rows.length) printTable(`A ${objects}-object chart: the hub's render against helm template run directly (both warm)`, ['', 'Flotilla', 'helm template (same run)', 'ratio'], rows);
    rmSync(scratch, { recursive: true, force: true });
    await world.stop();
  }
}
