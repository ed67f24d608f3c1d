// Pure parts of `flotilla app`: Applications built from flags, manifest files split per object,
// and the `app get` summary.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { validateApplication } from '@flotilla/shared';
import { buildApplication, describeApplication, splitManifests, type ApplicationView, type CreateFlags } from './app-view.ts';

const base: CreateFlags = { repo: 'https://git.example.com/apps.git', path: 'guestbook', destCluster: 'east', destNamespace: 'demo' };

describe('buildApplication', () => {
  const valid: [string, CreateFlags, (spec: any) => void][] = [
    ['minimal, manual sync', base, (spec) => assert.equal(spec.syncPolicy, undefined)],
    ['automated with self-heal and prune', { ...base, syncPolicy: 'automated', selfHeal: true, autoPrune: true }, (spec) => assert.deepEqual(spec.syncPolicy, { automated: { prune: true, selfHeal: true } })],
    ['sync options and recurse', { ...base, syncOption: ['CreateNamespace=true'], directoryRecurse: true, revision: 'v1' }, (spec) => {
      assert.deepEqual(spec.syncPolicy, { syncOptions: ['CreateNamespace=true'] });
      assert.deepEqual(spec.source, { repoURL: base.repo, path: 'guestbook', targetRevision: 'v1', directory: { recurse: true } });
    }],
    ['destination by server', { ...base, destCluster: undefined, destServer: 'https://10.0.0.1:6443' }, (spec) => assert.deepEqual(spec.destination, { server: 'https://10.0.0.1:6443', namespace: 'demo' })],
  ];
  for (const [name, flags, check] of valid) {
    it(name, () => {
      const app = buildApplication('web', flags);
      const validated = validateApplication(app);
      assert.ok(validated.ok, JSON.stringify(validated));
      check((app as { spec: unknown }).spec);
    });
  }

  const usage: [string, CreateFlags, RegExp][] = [
    ['no repo', { ...base, repo: undefined }, /--repo is required/],
    ['no path', { ...base, path: undefined }, /--path is required/],
    ['both destinations', { ...base, destServer: 'https://x' }, /exactly one of --dest-cluster/],
    ['no destination', { ...base, destCluster: undefined }, /exactly one of --dest-cluster/],
    ['no namespace', { ...base, destNamespace: undefined }, /--dest-namespace is required/],
    ['unknown policy', { ...base, syncPolicy: 'sometimes' }, /automated or none/],
    ['self-heal without automated', { ...base, selfHeal: true }, /need --sync-policy automated/],
  ];
  for (const [name, flags, message] of usage) {
    it(`usage error: ${name}`, () => assert.throws(() => buildApplication('web', flags), (e: any) => e.exitCode === 2 && message.test(e.message)));
  }
});

describe('splitManifests', () => {
  const one = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\n';
  const cases: [string, string, (parts: { text: string; name?: string }[]) => void][] = [
    ['one YAML object is sent as written', `# comment\n${one}`, (p) => assert.deepEqual(p, [{ text: `# comment\n${one}` }])],
    ['several documents are split in order', `${one}---\n${one.replace('name: a', 'name: b')}---\n`, (p) => {
      assert.deepEqual(p.map((x) => x.name), ['a', 'b']);
      assert.equal(parse(p[1]!.text).metadata.name, 'b');
    }],
    ['a kind: List is unwrapped', 'kind: List\nitems:\n  - metadata: {name: x}\n  - metadata: {name: y}\n', (p) => assert.deepEqual(p.map((x) => x.name), ['x', 'y'])],
    ['JSON object as written', '{"metadata":{"name":"j"}}', (p) => assert.deepEqual(p, [{ text: '{"metadata":{"name":"j"}}' }])],
    ['JSON array split', '[{"metadata":{"name":"j1"}},{"metadata":{"name":"j2"}}]', (p) => assert.deepEqual(p.map((x) => JSON.parse(x.text).metadata.name), ['j1', 'j2'])],
    ['a syntax error goes whole to the hub (it reports the line)', `${one}---\nfoo: [\n`, (p) => assert.equal(p.length, 1)],
    ['empty text holds nothing', '\n---\n', (p) => assert.deepEqual(p, [])],
  ];
  for (const [name, text, check] of cases) it(name, () => check(splitManifests(text)));
});

describe('describeApplication', () => {
  const app: ApplicationView = {
    metadata: { name: 'web' },
    spec: { project: 'default', source: { repoURL: 'https://git.example.com/apps.git', path: 'guestbook', targetRevision: 'HEAD' }, destination: { name: 'east', namespace: 'demo' }, syncPolicy: { automated: { prune: true } } },
    status: {
      sync: { status: 'Synced', revision: '6356badfc292b5e66d2aa1ea47fec3d9932802f7' },
      health: { status: 'Healthy' },
      resources: [{ group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'demo', name: 'web', status: 'Synced', health: { status: 'Healthy' } }],
      conditions: [{ type: 'SyncError', message: 'something failed' }],
      cluster: { name: 'east', connectionState: { status: 'Successful', message: 'agent connected' } },
    },
  };

  it('shows the fields, conditions and resources like argocd app get', () => {
    const text = describeApplication(app);
    for (const line of [/^Name:\s+web$/m, /^Cluster:\s+east$/m, /^Repo:\s+https:\/\/git.example.com\/apps.git$/m, /^Path:\s+guestbook$/m,
      /^SyncPolicy:\s+Auto-Prune$/m, /^Sync Status:\s+Synced to HEAD \(6356bad\)$/m, /^Health Status:\s+Healthy$/m,
      /^CONDITION\s+MESSAGE$/m, /^SyncError\s+something failed$/m, /^GROUP\s+KIND\s+NAMESPACE\s+NAME\s+STATUS\s+HEALTH\s+MESSAGE$/m, /^apps\s+Deployment\s+demo\s+web\s+Synced\s+Healthy$/m]) {
      assert.match(text, line);
    }
    assert.match(describeApplication(app, 'wide'), /^GROUP\s+KIND\s+VERSION\s+NAMESPACE/m);
    assert.doesNotMatch(describeApplication(app), /Sync Window/, 'no line when the project has no windows');
  });

  it('shows the sync window in force', () => {
    const denied = { ...app, status: { ...app.status, syncWindow: { syncAllowed: false, manualSyncAllowed: true, message: 'deny window 0 (schedule "0 22 * * *", duration 1h, UTC) is active' } } };
    assert.match(describeApplication(denied), /^Sync Window:\s+Sync Denied \(manual syncs allowed\): deny window 0 \(schedule "0 22 \* \* \*", duration 1h, UTC\) is active$/m);
    const allowed = { ...app, status: { ...app.status, syncWindow: { syncAllowed: true, manualSyncAllowed: true, message: 'no sync window applies' } } };
    assert.match(describeApplication(allowed), /^Sync Window:\s+Sync Allowed: no sync window applies$/m);
  });
});
