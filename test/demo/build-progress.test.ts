// The demo's reading of build-tools.sh output: columns are the lines fed in (with the ms each
// arrived), the line printed for the last one, and the status line at a given time.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BUILD_STARTED, describeBuild, formatDuration, readBuildLine, type BuildProgress } from './build-progress.ts';

const feed = (lines: [string, number][]): { state: BuildProgress; say?: string } => {
  let result: { state: BuildProgress; say?: string } = { state: BUILD_STARTED };
  for (const [line, at] of lines) result = readBuildLine(result.state, line, at);
  return result;
};
const plan: [string, number] = ['[build-tools    0s] to build: kube-apiserver kubectl (2 of 9)', 0];
const apiserver: [string, number] = ['[build-tools    0s] building kube-apiserver v1.34.4 ...', 1000];

describe('readBuildLine and describeBuild', () => {
  const cases: { name: string; lines: [string, number][]; say?: string; now: number; status: string }[] = [
    { name: 'nothing read yet', lines: [], now: 5000, status: 'preparing the build: 5 s' },
    { name: 'the plan', lines: [plan], say: '2 of 9 cluster binaries to build: kube-apiserver kubectl', now: 500, status: 'preparing the build: 1 s' },
    { name: 'a warm cache', lines: [['[build-tools    0s] to build: nothing (0 of 9)', 0]], say: 'all cluster binaries are built already', now: 0, status: 'preparing the build: 0 s' },
    { name: 'the first binary starts', lines: [plan, apiserver], say: 'building kube-apiserver v1.34.4 (1 of 2)', now: 91_000, status: 'building kube-apiserver v1.34.4 (1 of 2): 1 min 30 s; 1 min 31 s in all' },
    { name: 'module downloads are said', lines: [plan, apiserver, ['[build-tools    0s] fetching the Go modules Kubernetes v1.34.4 needs (once; most of the first build) ...', 1100]], say: 'fetching the Go modules Kubernetes v1.34.4 needs (once; most of the first build) ...', now: 2000, status: 'building kube-apiserver v1.34.4 (1 of 2): 1 s; 2 s in all' },
    { name: 'the ticker is not said again', lines: [plan, apiserver, ['[build-tools   30s] still building kube-apiserver v1.34.4 (30s)', 31_000]], now: 31_000, status: 'building kube-apiserver v1.34.4 (1 of 2): 30 s; 31 s in all' },
    { name: 'one built', lines: [plan, apiserver, ['[build-tools  366s] built kube-apiserver v1.34.4 in 366s', 367_000]], say: 'built kube-apiserver v1.34.4 in 6 min 06 s (1 of 2 done)', now: 367_000, status: 'preparing the build: 6 min 07 s' },
    { name: 'the next counts on', lines: [plan, apiserver, ['[build-tools  366s] built kube-apiserver v1.34.4 in 366s', 367_000], ['[build-tools  366s] building kubectl v1.34.4 ...', 367_000]], say: 'building kubectl v1.34.4 (2 of 2)', now: 370_000, status: 'building kubectl v1.34.4 (2 of 2): 3 s; 6 min 10 s in all' },
    { name: 'cached ones are counted, not said', lines: [plan, ['[build-tools    0s] etcd etcd-v3.6.6 cached', 0]], now: 0, status: 'preparing the build: 0 s' },
    { name: 'done', lines: [plan, ['[build-tools    0s] etcd etcd-v3.6.6 cached', 0], apiserver, ['[build-tools   10s] built kube-apiserver v1.34.4 in 10s', 11_000], ['[build-tools   10s] all tools ready under /c/bin', 11_000]], now: 11_000, status: 'cluster binaries ready (1 built, 1 cached) in 11 s' },
    { name: 'without a plan line (an older script) it counts up', lines: [apiserver], say: 'building kube-apiserver v1.34.4 (1)', now: 1000, status: 'building kube-apiserver v1.34.4 (1): 0 s; 1 s in all' },
    { name: 'other output is not said', lines: [['go: finding module for package x', 0]], now: 0, status: 'preparing the build: 0 s' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { state, say } = feed(c.lines);
      assert.equal(say, c.say);
      assert.equal(describeBuild(state, c.now, 0), c.status);
    });
  }
});

describe('formatDuration', () => {
  const cases: [number, string][] = [[0, '0 s'], [59_400, '59 s'], [60_000, '1 min 00 s'], [1_083_000, '18 min 03 s']];
  for (const [ms, want] of cases) it(want, () => assert.equal(formatDuration(ms), want));
});
