// Table tests for the kustomization walk: which kustomization files are reached, which paths a build
// reads (its inputs), and which entries are refused (remote, absolute, `..` above the root, symlinks out).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isRemoteEntry, minimalInputs, walkKustomizations } from './kustomize-walk.ts';
import { memoryView } from './repo-view.ts';
import { remotePolicyOf } from './remote-sources.ts';

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n';

/** A repository: a base, a component, shared patches and charts outside the overlay. */
const REPO: Record<string, string> = {
  'base/kustomization.yaml': 'resources:\n- cm.yaml\n- ../shared/extra\nconfigMapGenerator:\n- name: cfg\n  files:\n  - app.conf\n  - key=../shared/data.txt\n  envs:\n  - ../shared/env.txt\n',
  'base/cm.yaml': CM,
  'base/app.conf': 'x=1\n',
  'shared/extra/kustomization.yml': 'resources:\n- sa.yaml\n',
  'shared/extra/sa.yaml': CM,
  'shared/data.txt': 'd',
  'shared/env.txt': 'A=1\n',
  'shared/patches/replicas.yaml': CM,
  'components/monitoring/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n- path: sm.yaml\n',
  'components/monitoring/sm.yaml': CM,
  'charts/redis/Chart.yaml': 'name: redis\n',
  'apps/prod/kustomization.yaml': [
    'resources:', '- ../../base', '- local.yaml', 'components:', '- ../../components/monitoring',
    'patches:', '- path: ../../shared/patches/replicas.yaml', '- patch: |-', '    - op: add', 'patchesStrategicMerge:', '- |-', '  apiVersion: v1', '  kind: ConfigMap',
    'helmGlobals:', '  chartHome: ../../charts', 'helmCharts:', '- name: redis', '  valuesFile: ../../shared/values.yaml', '',
  ].join('\n'),
  'apps/prod/local.yaml': CM,
  'apps/plain/Kustomization': 'resources:\n- cm.yaml\n',
  'apps/plain/cm.yaml': CM,
  'apps/remote/kustomization.yaml': 'resources:\n- ok.yaml\n- https://github.com/org/repo//deploy?ref=v1\n- github.com/org/repo/deploy\n- git@github.com:org/repo.git\n',
  'apps/remote/ok.yaml': CM,
  'apps/remote-patch/kustomization.yaml': 'patches:\n- path: https://example.com/patch.yaml\n',
  'apps/escape/kustomization.yaml': 'resources:\n- ../../../etc\n- /etc/passwd\n',
  'apps/symlink/kustomization.yaml': 'resources:\n- secret.yaml\n',
  'apps/broken/kustomization.yaml': 'resources:\n- a.yaml\n  bad: [\n',
  'apps/missing/kustomization.yaml': 'resources:\n- nope.yaml\nbases:\n- ../nobase\n',
  'apps/two/kustomization.yaml': 'resources: []\n',
  'apps/two/kustomization.yml': 'resources: []\n',
  'apps/cycle-a/kustomization.yaml': 'resources:\n- ../cycle-b\n',
  'apps/cycle-b/kustomization.yaml': 'resources:\n- ../cycle-a\n',
  'apps/empty/kustomization.yaml': '',
  'apps/plugins/kustomization.yaml': 'resources:\n- cm.yaml\ntransformers:\n- patcher.yaml\n- |-\n  apiVersion: builtin\n  kind: PatchTransformer\n  metadata: {name: inline}\n  path: ../../../x.yaml\ngenerators:\n- ../../shared/extra\n',
  'apps/plugins/cm.yaml': CM,
  'apps/plugins-ok/kustomization.yaml': 'generators:\n- gen.yaml\n- ../../shared/extra\n',
  'apps/plugins-ok/gen.yaml': 'apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: g\nfiles:\n- k=../../shared/data.txt\n',
  'apps/plugins/patcher.yaml': 'apiVersion: builtin\nkind: PatchTransformer\nmetadata:\n  name: p\npath: /etc/passwd\n---\napiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: g\nfiles:\n- k=../../shared/data.txt\n',
  'apps/scalar/kustomization.yaml': 'just a string\n',
};
const view = memoryView(REPO, ['apps/symlink/secret.yaml']);

/** Expected walk: kustomization files, inputs, and errors as [file, line, message pattern]. */
interface Expected {
  kustomizations?: string[];
  inputs?: string[];
  errors?: [string, number | undefined, RegExp][];
}

// case | source path | expected
const rows: [string, string, Expected][] = [
  ['an overlay reaching a base, a component, patches and charts outside it', 'apps/prod', {
    kustomizations: ['apps/prod/kustomization.yaml', 'base/kustomization.yaml', 'components/monitoring/kustomization.yaml', 'shared/extra/kustomization.yml'],
    inputs: ['apps/prod', 'base', 'charts/redis', 'components/monitoring', 'shared/data.txt', 'shared/env.txt', 'shared/extra', 'shared/patches/replicas.yaml', 'shared/values.yaml'],
    errors: [],
  }],
  ['the base alone: generator files outside it are inputs', 'base', {
    inputs: ['base', 'shared/data.txt', 'shared/env.txt', 'shared/extra'],
    errors: [],
  }],
  ['a Kustomization file name', 'apps/plain', { kustomizations: ['apps/plain/Kustomization'], inputs: ['apps/plain'], errors: [] }],
  ['remote resources are refused, naming the file, line and entry', 'apps/remote', { errors: [
    ['apps/remote/kustomization.yaml', 3, /^resources\[1\] entry "https:\/\/github.com\/org\/repo\/\/deploy\?ref=v1": is remote; the hub fetches remote bases and resources only from hosts listed in FLOTILLA_REMOTE_SOURCES/],
    ['apps/remote/kustomization.yaml', 4, /^resources\[2\] entry "github.com\/org\/repo\/deploy": is remote/],
    ['apps/remote/kustomization.yaml', 5, /^resources\[3\] entry "git@github.com:org\/repo.git": is remote/],
  ] }],
  ['a patch fetched over HTTP is refused', 'apps/remote-patch', { errors: [['apps/remote-patch/kustomization.yaml', 2, /^patches\[0\].path entry "https:\/\/example.com\/patch.yaml": is remote/]] }],
  ['.. above the root and absolute paths are refused', 'apps/escape', { errors: [
    ['apps/escape/kustomization.yaml', 2, /resources\[0\] entry "..\/..\/..\/etc": leaves the repository/],
    ['apps/escape/kustomization.yaml', 3, /resources\[1\] entry "\/etc\/passwd": is an absolute path/],
  ] }],
  ['a symlink out of the repository is refused', 'apps/symlink', { errors: [['apps/symlink/kustomization.yaml', 2, /resources\[0\] entry "secret.yaml": leads through a symlink to outside the repository/]] }],
  ['an invalid kustomization names the file and line', 'apps/broken', { errors: [['apps/broken/kustomization.yaml', 2, /^invalid kustomization: Implicit keys need to be on a single line/]] }],
  ['a missing resource and a base without a kustomization', 'apps/missing', { errors: [
    ['apps/missing/kustomization.yaml', 2, /resources\[0\] entry "nope.yaml": "apps\/missing\/nope.yaml" does not exist/],
    ['apps/missing/kustomization.yaml', undefined, /bases\[0\] entry "..\/nobase": "apps\/nobase" holds none of kustomization.yaml, kustomization.yml, Kustomization/],
  ] }],
  ['two kustomization files', 'apps/two', { errors: [['apps/two', undefined, /more than one kustomization file/]] }],
  ['no kustomization file at the path', 'base/..', { errors: [['.', undefined, /"\." holds none of/]] }],
  ['a cycle is walked once', 'apps/cycle-a', { kustomizations: ['apps/cycle-a/kustomization.yaml', 'apps/cycle-b/kustomization.yaml'], inputs: ['apps/cycle-a', 'apps/cycle-b'], errors: [] }],
  ['paths in plugin configuration files and inline configuration are checked', 'apps/plugins', { errors: [
    ['apps/plugins/patcher.yaml', 5, /^path entry "\/etc\/passwd": is an absolute path/],
    ['apps/plugins/kustomization.yaml', 5, /^transformers\[1\] \(inline configuration\) path entry "..\/..\/..\/x.yaml": leaves the repository/],
  ] }],
  ['a plugin configuration\'s files are inputs, a generator kustomization is walked', 'apps/plugins-ok', {
    kustomizations: ['apps/plugins-ok/kustomization.yaml', 'shared/extra/kustomization.yml'],
    inputs: ['apps/plugins-ok', 'shared/data.txt', 'shared/extra'],
    errors: [],
  }],
  ['an empty kustomization', 'apps/empty', { inputs: ['apps/empty'], errors: [] }],
  ['a kustomization that is not a mapping', 'apps/scalar', { errors: [['apps/scalar/kustomization.yaml', 1, /expected a mapping/]] }],
  ['a source path above the root', '../x', { errors: [['../x', undefined, /leaves the repository/]] }],
];

describe('walkKustomizations', () => {
  for (const [what, path, expected] of rows) {
    it(what, () => {
      const walk = walkKustomizations(view, path);
      if (expected.kustomizations) assert.deepEqual(walk.kustomizations, expected.kustomizations);
      if (expected.inputs) assert.deepEqual(walk.inputs, expected.inputs);
      if (expected.errors) {
        assert.equal(walk.errors.length, expected.errors.length, JSON.stringify(walk.errors));
        expected.errors.forEach(([file, line, pattern], i) => {
          const error = walk.errors[i]!;
          assert.equal(error.file, file);
          assert.equal(error.line, line);
          assert.match(error.message, pattern);
        });
      }
    });
  }
});

describe('walkKustomizations with FLOTILLA_REMOTE_SOURCES', () => {
  it('allows remote entries whose host is listed, and makes them inputs', () => {
    const walk = walkKustomizations(view, 'apps/remote', remotePolicyOf(['github.com']));
    assert.equal(walk.errors.length, 1, JSON.stringify(walk.errors));
    assert.match(walk.errors[0]!.message, /^resources\[3\] entry "git@github.com:org\/repo.git": is remote and refused: kustomize would fetch it over ssh/);
    assert.deepEqual(walk.remote.map((r) => [r.from, r.field, r.entry]), [
      ['apps/remote/kustomization.yaml', 'resources[1]', 'https://github.com/org/repo//deploy?ref=v1'],
      ['apps/remote/kustomization.yaml', 'resources[2]', 'github.com/org/repo/deploy'],
    ]);
    assert.deepEqual(walk.inputs, ['apps/remote', 'remote-base:https://github.com/org/repo//deploy?ref=v1', 'remote-base:github.com/org/repo/deploy']);
  });
  it('refuses a remote entry whose host is not listed, naming the field, the entry and the setting', () => {
    const walk = walkKustomizations(view, 'apps/remote', remotePolicyOf(['gitlab.com']));
    assert.equal(walk.remote.length, 0);
    assert.equal(walk.errors[0]!.line, 3);
    assert.match(walk.errors[0]!.message, /^resources\[1\] entry "https:\/\/github.com\/org\/repo\/\/deploy\?ref=v1": is remote and refused: github\.com is not in FLOTILLA_REMOTE_SOURCES \(hub option remoteSources\) \(gitlab\.com\)/);
  });
  it('masks a password in a refused entry', () => {
    const walk = walkKustomizations(memoryView({ 'k/kustomization.yaml': 'resources:\n- https://me:s3cret@github.com/org/repo//x?ref=v1\n' }), 'k', remotePolicyOf(['github.com']));
    assert.match(walk.errors[0]!.message, /^resources\[0\] entry "https:\/\/me:\*+@github.com\/org\/repo\/\/x\?ref=v1": is remote and refused: it carries a password/);
    assert.doesNotMatch(walk.errors[0]!.message, /s3cret/);
  });
  it('still refuses a remote patch', () => {
    const walk = walkKustomizations(view, 'apps/remote-patch', remotePolicyOf(['example.com']));
    assert.match(walk.errors[0]!.message, /^patches\[0\].path entry "https:\/\/example.com\/patch.yaml": is remote; /);
  });
});

describe('isRemoteEntry', () => {
  // entry | remote (kustomize v5 repospec rules, and http(s) files)
  const rows: [string, boolean][] = [
    ['https://github.com/org/repo//path?ref=v1', true], ['http://example.com/x.yaml', true], ['ssh://git@host/org/repo', true],
    ['file:///srv/repo', true], ['git::https://gitlab.com/org/repo', true], ['git@github.com:org/repo', true],
    ['github.com/org/repo/path', true], ['GitHub.com:org/repo', true], ['oci://registry/x', true],
    ['../base', false], ['base', false], ['gitlab.com/org/repo', false], ['deploy.yaml', false], ['dir/with@sign', false],
  ];
  for (const [entry, remote] of rows) it(`${entry} → ${remote}`, () => assert.equal(isRemoteEntry(entry), remote));
});

describe('minimalInputs', () => {
  it('keeps the source path first and drops paths below kept ones', () => {
    assert.deepEqual(minimalInputs('apps/a', ['apps/a/x', 'base', 'base/y.yaml', 'lib/z', 'lib/z', 'libs']), ['apps/a', 'base', 'lib/z', 'libs']);
    assert.deepEqual(minimalInputs('', ['a', 'b']), ['']);
  });
});
