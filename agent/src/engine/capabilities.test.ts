// The `--api-versions` list the agent reports: Argo CD's entries (group versions and
// `group/version/Kind` of listable, watchable resources), sorted, deduplicated and bounded; the two
// discovery forms it is read from; and the cache that reads them at most every few minutes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Capabilities } from '@flotilla/shared';
import { CapabilitiesCache, apiVersionsOf, groupVersionsFromLegacy, sameCapabilities, servedFromAggregated, type ServedGroupVersion } from './capabilities.ts';

const LW = ['get', 'list', 'watch'];
const gv = (groupVersion: string, ...resources: [string, string[]][]): ServedGroupVersion => ({ groupVersion, resources: resources.map(([kind, verbs]) => ({ kind, verbs })) });

describe('apiVersionsOf', () => {
  // case | served | bound | expected list | dropped
  const rows: [string, ServedGroupVersion[], number, string[], number][] = [
    ['core and a group', [gv('v1', ['ConfigMap', LW], ['Pod', LW]), gv('apps/v1', ['Deployment', LW])], 100,
      ['apps/v1', 'apps/v1/Deployment', 'v1', 'v1/ConfigMap', 'v1/Pod'], 0],
    ['resources that cannot be listed and watched are left out (as Argo CD does)', [gv('authorization.k8s.io/v1', ['SelfSubjectAccessReview', ['create']]), gv('v1', ['Binding', ['create']], ['Secret', LW])], 100,
      ['v1', 'v1/Secret'], 0],
    ['a kind served twice in one version is listed once', [gv('v1', ['Event', LW]), gv('v1', ['Event', LW])], 100, ['v1', 'v1/Event'], 0],
    ['every version of a group', [gv('autoscaling/v1', ['HorizontalPodAutoscaler', LW]), gv('autoscaling/v2', ['HorizontalPodAutoscaler', LW])], 100,
      ['autoscaling/v1', 'autoscaling/v1/HorizontalPodAutoscaler', 'autoscaling/v2', 'autoscaling/v2/HorizontalPodAutoscaler'], 0],
    ['over the bound: group versions first, then kinds in order', [gv('b/v1', ['X', LW], ['Y', LW]), gv('a/v1', ['Z', LW])], 3,
      ['a/v1', 'a/v1/Z', 'b/v1'], 2],
    ['an entry longer than 256 characters is left out', [gv(`${'g'.repeat(250)}/v1`, ['LongKind', LW])], 100, [`${'g'.repeat(250)}/v1`], 1],
    ['nothing served', [], 100, [], 0],
  ];
  for (const [name, served, max, expected, dropped] of rows) {
    it(name, () => assert.deepEqual(apiVersionsOf(served, max), { apiVersions: expected, dropped }));
  }
});

describe('servedFromAggregated', () => {
  const resource = (kind: string, verbs = LW) => ({ resource: `${kind.toLowerCase()}s`, responseKind: { group: '', version: '', kind }, verbs, scope: 'Namespaced' });
  it('reads groups, versions and kinds of an APIGroupDiscoveryList (core group unnamed)', () => {
    const core = { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', items: [{ metadata: {}, versions: [{ version: 'v1', resources: [resource('Pod')] }] }] };
    const groups = { kind: 'APIGroupDiscoveryList', items: [{ metadata: { name: 'apps' }, versions: [{ version: 'v1', resources: [resource('Deployment'), { resource: 'odd' }] }, { version: 'v1beta1' }] }] };
    const scoped = (served: ServedGroupVersion) => ({ ...served, resources: served.resources.map((r) => ({ ...r, resource: `${r.kind.toLowerCase()}s`, namespaced: true })) });
    assert.deepEqual(servedFromAggregated(core), [scoped(gv('v1', ['Pod', LW]))]);
    assert.deepEqual(servedFromAggregated(groups), [scoped(gv('apps/v1', ['Deployment', LW])), gv('apps/v1beta1')]);
  });
  it('answers undefined for the older documents', () => {
    assert.equal(servedFromAggregated({ kind: 'APIVersions', versions: ['v1'] }), undefined);
    assert.equal(servedFromAggregated({ kind: 'APIGroupList', groups: [] }), undefined);
    assert.equal(servedFromAggregated('nonsense'), undefined);
  });
});

describe('groupVersionsFromLegacy', () => {
  it('reads APIVersions and APIGroupList', () => {
    assert.deepEqual(groupVersionsFromLegacy({ kind: 'APIVersions', versions: ['v1'] }), ['v1']);
    assert.deepEqual(groupVersionsFromLegacy({ kind: 'APIGroupList', groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }] }, { name: 'x', versions: [{}] }] }), ['apps/v1']);
    assert.deepEqual(groupVersionsFromLegacy(undefined), []);
  });
});

describe('CapabilitiesCache', () => {
  const caps = (kubeVersion: string, ...apiVersions: string[]): Capabilities => ({ kubeVersion, apiVersions });
  const setup = (answers: (Capabilities | Error)[]) => {
    let clock = 0;
    let reads = 0;
    const cache = new CapabilitiesCache({
      maxAgeMs: 1000,
      now: () => clock,
      load: async () => {
        const next = answers[Math.min(reads++, answers.length - 1)]!;
        if (next instanceof Error) throw next;
        return next;
      },
    });
    return { cache, tick: (ms: number) => (clock += ms), reads: () => reads };
  };

  it('reads once, then again only when older than maxAgeMs', async () => {
    const { cache, tick, reads } = setup([caps('v1.34.4', 'v1'), caps('v1.34.5', 'v1')]);
    assert.deepEqual((await cache.get()).capabilities, caps('v1.34.4', 'v1'));
    tick(999);
    await cache.get();
    assert.equal(reads(), 1);
    tick(1);
    assert.equal((await cache.get()).capabilities?.kubeVersion, 'v1.34.5');
    assert.equal(reads(), 2);
  });

  it('keeps the last good capabilities when a read fails, and says why', async () => {
    const { cache, tick } = setup([caps('v1.34.4', 'v1'), new Error('connection refused')]);
    await cache.get();
    tick(5000);
    const got = await cache.get();
    assert.deepEqual(got.capabilities, caps('v1.34.4', 'v1'));
    assert.match(got.error?.message ?? '', /refused/);
  });

  it('shares one read between concurrent callers', async () => {
    const { cache, reads } = setup([caps('v1.34.4')]);
    await Promise.all([cache.get(), cache.get(), cache.refresh()]);
    assert.equal(reads(), 1);
  });

  it('refresh answers whether they changed: first ones read yes, the same no, a failure no', async () => {
    const { cache } = setup([new Error('down'), caps('v1.34.4', 'v1'), caps('v1.34.4', 'v1'), caps('v1.34.4', 'apps/v1', 'v1'), new Error('down')]);
    assert.equal((await cache.get()).capabilities, undefined);
    assert.equal(await cache.refresh(), true);
    const held = (await cache.get()).capabilities;
    assert.equal(await cache.refresh(), false);
    assert.equal((await cache.get()).capabilities, held, 'an unchanged read keeps the copy held');
    assert.equal(await cache.refresh(), true);
    assert.equal(await cache.refresh(), false);
    assert.deepEqual((await cache.get()).capabilities, caps('v1.34.4', 'apps/v1', 'v1'));
  });
});

describe('sameCapabilities', () => {
  // a | b | same
  const rows: [Capabilities | undefined, Capabilities | undefined, boolean][] = [
    [undefined, undefined, true],
    [undefined, { kubeVersion: 'v1', apiVersions: [] }, false],
    [{ kubeVersion: 'v1.34.4', apiVersions: ['v1'] }, { kubeVersion: 'v1.34.4', apiVersions: ['v1'] }, true],
    [{ kubeVersion: 'v1.34.4', apiVersions: ['v1'] }, { kubeVersion: 'v1.34.5', apiVersions: ['v1'] }, false],
    [{ kubeVersion: 'v1.34.4', apiVersions: ['v1'] }, { kubeVersion: 'v1.34.4', apiVersions: ['apps/v1', 'v1'] }, false],
  ];
  for (const [a, b, same] of rows) it(`${JSON.stringify(a)} vs ${JSON.stringify(b)}`, () => assert.equal(sameCapabilities(a, b), same));
});
