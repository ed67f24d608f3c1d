// The `helm template` command line from a plan, Argo CD's `--set` escaping, and which
// capabilities and release a source renders with; `helm repo add` and `helm pull` with
// helm.passCredentials.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveCapabilities, escapeSetValue, pullArgs, releaseOf, repoAddArgs, templateArgs, type PullFrom, type TemplatePlan } from './helm-args.ts';

const BASE: TemplatePlan = {
  releaseName: 'shop', chart: '/s/repo/charts/web', namespace: 'apps', kubeVersion: '', apiVersions: [], valueFiles: [], parameters: [], fileParameters: [],
  includeCrds: true, skipTests: false, skipSchemaValidation: false,
};

describe('templateArgs', () => {
  // name | plan changes | the arguments after `template shop /s/repo/charts/web`
  const rows: [string, Partial<TemplatePlan>, string[]][] = [
    ['defaults: namespace and CRDs', {}, ['--namespace', 'apps', '--include-crds']],
    ['no namespace flag when there is none', { namespace: '' }, ['--include-crds']],
    ['skipCrds, skipTests, skipSchemaValidation', { includeCrds: false, skipTests: true, skipSchemaValidation: true }, ['--namespace', 'apps', '--skip-tests', '--skip-schema-validation']],
    ['capabilities: the version and one flag per API version', { kubeVersion: 'v1.34.4', apiVersions: ['apps/v1', 'example.com/v1/Widget'] },
      ['--namespace', 'apps', '--kube-version', 'v1.34.4', '--api-versions', 'apps/v1', '--api-versions', 'example.com/v1/Widget', '--include-crds']],
    ['value files in order, then parameters, then file parameters', {
      valueFiles: ['/s/repo/a.yaml', '/s/h/inline.yaml'],
      parameters: [{ name: 'a', value: 'x,y', forceString: false }, { name: 'b', value: '007', forceString: true }],
      fileParameters: [{ name: 'banner', path: '/s/repo/banner.txt' }],
    }, ['--namespace', 'apps', '--values', '/s/repo/a.yaml', '--values', '/s/h/inline.yaml', '--set', 'a=x\\,y', '--set-string', 'b=007', '--set-file', 'banner=/s/repo/banner.txt', '--include-crds']],
    ['a chart from a repository: version, repo, plain http', { chart: 'web', version: '1.2.*', repo: 'https://charts.example.com', plainHttp: true, includeCrds: false },
      ['--version', '1.2.*', '--repo', 'https://charts.example.com', '--plain-http', '--namespace', 'apps']],
  ];
  for (const [name, change, rest] of rows) {
    it(name, () => {
      const plan = { ...BASE, ...change };
      assert.deepEqual(templateArgs(plan), ['template', 'shop', plan.chart, ...rest]);
    });
  }
});

describe('escapeSetValue (Argo CD cleanSetParameters)', () => {
  // value | as passed to --set
  const rows: [string, string][] = [
    ['plain', 'plain'],
    ['a,b', 'a\\,b'],
    ['a\\,b', 'a\\,b'],
    [',,', '\\,\\,'],
    ['{a,b}', '{a,b}'],
    ['{a,b', '{a\\,b'],
    ['', ''],
  ];
  for (const [value, want] of rows) it(JSON.stringify(value), () => assert.equal(escapeSetValue(value), want));
});

describe('effectiveCapabilities and releaseOf', () => {
  const cluster = { kubeVersion: 'v1.34.4', apiVersions: ['v1', 'apps/v1'] };
  // name | spec | capabilities used
  const caps: [string, { kubeVersion?: string; apiVersions?: string[] }, typeof cluster][] = [
    ['the cluster\'s when the source says nothing', {}, cluster],
    ['helm.kubeVersion wins', { kubeVersion: '1.30.0' }, { kubeVersion: '1.30.0', apiVersions: cluster.apiVersions }],
    ['helm.apiVersions win, as a whole list', { apiVersions: ['x/v1'] }, { kubeVersion: 'v1.34.4', apiVersions: ['x/v1'] }],
  ];
  for (const [name, spec, want] of caps) it(name, () => assert.deepEqual(effectiveCapabilities(spec, cluster), want));

  it('the release is the app\'s name in the destination namespace unless the source says otherwise', () => {
    assert.deepEqual(releaseOf({}, 'shop', 'apps'), { releaseName: 'shop', namespace: 'apps' });
    assert.deepEqual(releaseOf({ releaseName: 'store', namespace: 'other' }, 'shop', 'apps'), { releaseName: 'store', namespace: 'other' });
  });
});

describe('repoAddArgs and pullArgs: helm.passCredentials is --pass-credentials for HTTP Helm repositories', () => {
  // name | username | passCredentials | arguments
  const adds: [string, string | undefined, boolean, string[]][] = [
    ['no credentials', undefined, false, ['repo', 'add', 'repo-0', 'https://charts.example.com']],
    ['credentials: the password on stdin', 'ci', false, ['repo', 'add', 'repo-0', 'https://charts.example.com', '--username', 'ci', '--password-stdin']],
    ['passCredentials', 'ci', true, ['repo', 'add', 'repo-0', 'https://charts.example.com', '--username', 'ci', '--password-stdin', '--pass-credentials']],
  ];
  for (const [name, username, pass, want] of adds) it(`repo add: ${name}`, () => assert.deepEqual(repoAddArgs('repo-0', 'https://charts.example.com', username, pass), want));

  // name | where from | version | passCredentials | arguments
  const pulls: [string, PullFrom, string, boolean, string[]][] = [
    ['by --repo', { kind: 'repo', repoURL: 'https://charts.example.com', chart: 'web' }, '1.2.3', false,
      ['pull', 'web', '--repo', 'https://charts.example.com', '--version', '1.2.3', '--untar', '--untardir', '/s/repo']],
    ['by --repo, passCredentials', { kind: 'repo', repoURL: 'https://charts.example.com', chart: 'web' }, '', true,
      ['pull', 'web', '--repo', 'https://charts.example.com', '--untar', '--untardir', '/s/repo', '--pass-credentials']],
    ['from an added repository, passCredentials', { kind: 'added', repoName: 'repo-0', chart: 'web' }, '1.*', true,
      ['pull', 'repo-0/web', '--version', '1.*', '--untar', '--untardir', '/s/repo', '--pass-credentials']],
    ['OCI on loopback: plain http, and no --pass-credentials (a registry login is per host)', { kind: 'oci', ref: 'oci://127.0.0.1:5000/charts/web', plainHttp: true }, '1.0.0', true,
      ['pull', 'oci://127.0.0.1:5000/charts/web', '--version', '1.0.0', '--untar', '--untardir', '/s/repo', '--plain-http']],
  ];
  for (const [name, from, version, pass, want] of pulls) it(`pull: ${name}`, () => assert.deepEqual(pullArgs(from, version, '/s/repo', pass), want));
});
