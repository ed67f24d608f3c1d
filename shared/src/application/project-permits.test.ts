// AppProject permits in Argo CD's semantics, one row per case: source repositories (globs, `!`),
// destinations (name or server, namespace globs, `!`), application namespaces, the four resource
// lists, and the whole-application and whole-bundle checks that name the rule.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Assignment } from '../protocol/assignment.ts';
import {
  applicationViolations, bundleViolations, groupKindRefusal, isAppNamespacePermitted, isDestinationPermitted,
  isSourcePermitted, normalizeGitUrl, projectRulesOf, type ProjectRules,
} from './project-permits.ts';

describe('normalizeGitUrl', () => {
  const rows: [string, string][] = [
    ['https://Git.Example.com/Team/Web.git', 'https://git.example.com/team/web'],
    ['https://git.example.com/team/web/', 'https://git.example.com/team/web'],
    ['git@github.com:org/repo.git', 'git@github.com/org/repo'],
    ['ssh://git@github.com/org/repo.git', 'git@github.com/org/repo'],
  ];
  for (const [url, normalized] of rows) it(url, () => assert.equal(normalizeGitUrl(url), normalized));
});

describe('isSourcePermitted', () => {
  // sourceRepos | repoURL | permitted
  const rows: [string[] | undefined, string, boolean][] = [
    [undefined, 'https://git.example.com/a', false],
    [[], 'https://git.example.com/a', false],
    [['*'], 'https://git.example.com/a', true],
    [['https://git.example.com/team-a/*'], 'https://git.example.com/team-a/web.git', true],
    [['https://git.example.com/team-a/*'], 'https://git.example.com/team-a/nested/web', false],
    [['https://git.example.com/team-a/*'], 'https://git.example.com/team-b/web', false],
    [['https://GIT.example.com/team-a/web.git'], 'https://git.example.com/team-a/web', true],
    [['!https://git.example.com/team-b/*', '*'], 'https://git.example.com/team-b/web', false],
    [['!https://git.example.com/team-b/*', '*'], 'https://git.example.com/team-a/web', true],
    [['*', '!https://git.example.com/team-b/*'], 'https://git.example.com/team-b/web', false],
    // As in Argo CD, a `!` entry alone permits everything it does not match.
    [['!https://git.example.com/team-b/*'], 'https://git.example.com/team-a/web', true],
  ];
  for (const [sourceRepos, repo, expected] of rows) {
    it(`${JSON.stringify(sourceRepos)} ${expected ? 'permits' : 'refuses'} ${repo}`, () => assert.equal(isSourcePermitted({ sourceRepos }, repo), expected));
  }
});

describe('isDestinationPermitted', () => {
  // destinations | destination | permitted
  const rows: [ProjectRules['destinations'], { name?: string; server?: string; namespace: string }, boolean][] = [
    [undefined, { name: 'edge', namespace: 'a' }, false],
    [[{ name: '*', namespace: '*' }], { name: 'edge', namespace: 'a' }, true],
    [[{ name: 'edge', namespace: 'team-a-*' }], { name: 'edge', namespace: 'team-a-web' }, true],
    [[{ name: 'edge', namespace: 'team-a-*' }], { name: 'edge', namespace: 'team-b-web' }, false],
    [[{ name: 'edge', namespace: 'team-a-*' }], { name: 'core', namespace: 'team-a-web' }, false],
    [[{ server: 'https://edge:6443', namespace: '*' }], { name: 'edge', server: 'https://edge:6443', namespace: 'x' }, true],
    [[{ server: 'https://edge:6443', namespace: '*' }], { name: 'edge', namespace: 'x' }, false],
    [[{ name: 'edge', namespace: '' }], { name: 'edge', namespace: '' }, true],
    [[{ name: 'edge', namespace: 'a' }], { name: 'edge', namespace: '' }, false],
    [[{ name: '*', namespace: '!kube-system' }], { name: 'edge', namespace: 'kube-system' }, false],
    [[{ name: '*', namespace: '!kube-system' }], { name: 'edge', namespace: 'web' }, true],
    [[{ name: '*', namespace: '*' }, { name: '!core', namespace: '*' }], { name: 'core', namespace: 'web' }, false],
    [[{ name: '*', namespace: '*' }, { name: '!core', namespace: '*' }], { name: 'edge', namespace: 'web' }, true],
  ];
  for (const [destinations, dest, expected] of rows) {
    it(`${JSON.stringify(destinations)} ${expected ? 'permits' : 'refuses'} ${JSON.stringify(dest)}`, () => assert.equal(isDestinationPermitted({ destinations }, dest), expected));
  }
});

describe('isAppNamespacePermitted', () => {
  const rows: [string[] | undefined, string | undefined, boolean][] = [
    [undefined, undefined, true],
    [undefined, 'argocd', true],
    [undefined, 'team-a', false],
    [['team-*'], 'team-a', true],
    [['/^team-[ab]$/'], 'team-c', false],
  ];
  for (const [sourceNamespaces, ns, expected] of rows) {
    it(`${JSON.stringify(sourceNamespaces)} ${expected ? 'permits' : 'refuses'} ${ns}`, () => assert.equal(isAppNamespacePermitted({ sourceNamespaces }, ns), expected));
  }
});

describe('groupKindRefusal', () => {
  // rules | group | kind | namespaced | name | refusing rule (undefined: permitted)
  const rows: [ProjectRules, string, string, boolean, string, string | undefined][] = [
    [{}, 'apps', 'Deployment', true, 'web', undefined],
    [{ namespaceResourceWhitelist: [] }, 'apps', 'Deployment', true, 'web', 'namespaceResourceWhitelist'],
    [{ namespaceResourceWhitelist: [{ group: 'apps', kind: '*' }] }, 'apps', 'Deployment', true, 'web', undefined],
    [{ namespaceResourceWhitelist: [{ group: 'apps', kind: '*' }] }, '', 'ConfigMap', true, 'web', 'namespaceResourceWhitelist'],
    [{ namespaceResourceBlacklist: [{ group: '', kind: 'ResourceQuota' }] }, '', 'ResourceQuota', true, 'q', 'namespaceResourceBlacklist'],
    [{}, 'rbac.authorization.k8s.io', 'ClusterRole', false, 'admin', 'clusterResourceWhitelist'],
    [{ clusterResourceWhitelist: [{ group: '*', kind: '*' }] }, 'rbac.authorization.k8s.io', 'ClusterRole', false, 'admin', undefined],
    [{ clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }] }, 'rbac.authorization.k8s.io', 'ClusterRole', false, 'admin', 'clusterResourceWhitelist'],
    [{ clusterResourceWhitelist: [{ group: '*', kind: '*' }], clusterResourceBlacklist: [{ group: 'rbac.authorization.k8s.io', kind: 'Cluster*' }] }, 'rbac.authorization.k8s.io', 'ClusterRole', false, 'x', 'clusterResourceBlacklist'],
    [{ clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: 'team-a-*' }] }, '', 'Namespace', false, 'team-a-web', undefined],
    [{ clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: 'team-a-*' }] }, '', 'Namespace', false, 'team-b-web', 'clusterResourceWhitelist'],
  ];
  for (const [rules, group, kind, namespaced, name, expected] of rows) {
    it(`${JSON.stringify(rules)}: ${group || 'core'}/${kind} ${name} → ${expected ?? 'permitted'}`, () => assert.equal(groupKindRefusal(rules, group, kind, namespaced, name), expected));
  }
});

const teamA: ProjectRules = {
  sourceRepos: ['https://git.example.com/team-a/*'],
  destinations: [{ name: 'edge', namespace: 'team-a' }],
  namespaceResourceBlacklist: [{ group: '', kind: 'ResourceQuota' }],
};

describe('applicationViolations', () => {
  // facts | rules broken (in order) | message fragment of the first
  const rows: [string, Parameters<typeof applicationViolations>[1], string[], string][] = [
    ['permitted', { sources: [{ path: 'spec.source.repoURL', repoURL: 'https://git.example.com/team-a/web' }], destination: { name: 'edge', namespace: 'team-a', field: 'spec.destination' } }, [], ''],
    ['another team\'s repository', { sources: [{ path: 'spec.source.repoURL', repoURL: 'https://git.example.com/team-b/web' }], destination: { name: 'edge', namespace: 'team-a', field: 'spec.destination' } },
      ['sourceRepos'], "repository 'https://git.example.com/team-b/web' is not permitted by project 'team-a' (spec.sourceRepos"],
    ['another team\'s namespace', { sources: [], destination: { name: 'edge', namespace: 'team-b', field: 'spec.destination.namespace' } },
      ['destinations'], "destination name 'edge', namespace 'team-b' is not permitted by project 'team-a' (spec.destinations"],
    ['the second source', { sources: [{ path: 'spec.sources[0].repoURL', repoURL: 'https://git.example.com/team-a/x' }, { path: 'spec.sources[1].repoURL', repoURL: 'https://evil.example.com/x' }], destination: { name: 'edge', namespace: 'team-a', field: 'spec.destination' } },
      ['sourceRepos'], 'evil'],
    ['an application namespace not in sourceNamespaces', { namespace: 'team-a-apps', sources: [], destination: { name: 'edge', namespace: 'team-a', field: 'spec.destination' } },
      ['sourceNamespaces'], "application namespace 'team-a-apps' is not permitted by project 'team-a' (spec.sourceNamespaces"],
  ];
  for (const [name, facts, rules, fragment] of rows) {
    it(name, () => {
      const violations = applicationViolations({ name: 'team-a', spec: teamA }, facts);
      assert.deepEqual(violations.map((v) => v.rule), rules);
      if (fragment) assert.ok(violations[0]!.message.includes(fragment), violations[0]!.message);
    });
  }
});

describe('bundleViolations', () => {
  const cm = (ns?: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', ...(ns ? { namespace: ns } : {}) } });
  const clusterRole = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'admin-all' } };
  const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', names: { kind: 'Widget' }, scope: 'Cluster' } };
  const dest = { name: 'edge', namespace: 'team-a' };
  // manifests | rules broken | message fragment of the first
  const rows: [string, object[], ProjectRules, string[], string][] = [
    ['a ConfigMap in the destination namespace', [cm()], teamA, [], ''],
    ['a ConfigMap naming its own permitted namespace', [cm('team-a')], teamA, [], ''],
    ['a ConfigMap in another team\'s namespace', [cm('team-b')], teamA, ['destinations'], "ConfigMap/team-b/cfg: namespace 'team-b' on cluster name 'edge' is not permitted by project 'team-a''s spec.destinations"],
    ['a ClusterRole without a cluster whitelist', [clusterRole], teamA, ['clusterResourceWhitelist'],
      "rbac.authorization.k8s.io/ClusterRole/admin-all: cluster-scoped kind rbac.authorization.k8s.io/ClusterRole is not in project 'team-a''s spec.clusterResourceWhitelist"],
    ['a ClusterRole with a namespace given is still cluster-scoped', [{ ...clusterRole, metadata: { name: 'x', namespace: 'team-a' } }], teamA, ['clusterResourceWhitelist'], ''],
    ['a blacklisted ResourceQuota', [{ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' } }], teamA, ['namespaceResourceBlacklist'], "is in project 'team-a''s spec.namespaceResourceBlacklist"],
    ['a CRD and its cluster-scoped custom resource', [crd, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }], { ...teamA, clusterResourceWhitelist: [{ group: 'apiextensions.k8s.io', kind: '*' }] },
      ['clusterResourceWhitelist'], 'example.com/Widget/w: cluster-scoped kind example.com/Widget'],
    ['objects without kind are skipped', [{ metadata: {} }], teamA, [], ''],
  ];
  for (const [name, manifests, rules, broken, fragment] of rows) {
    it(name, () => {
      const violations = bundleViolations({ name: 'team-a', spec: rules }, manifests, dest);
      assert.deepEqual(violations.map((v) => v.rule), broken);
      if (fragment) assert.ok(violations[0]!.message.includes(fragment), violations[0]!.message);
    });
  }

  it('takes the scope from the caller (the agent\'s discovery) before the built-in list', () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' } };
    assert.deepEqual(bundleViolations({ name: 'team-a', spec: teamA }, [widget], dest, () => 'Cluster').map((v) => v.rule), ['clusterResourceWhitelist']);
    assert.deepEqual(bundleViolations({ name: 'team-a', spec: teamA }, [widget], dest, () => undefined), []);
  });
});

describe('projectRulesOf', () => {
  it('keeps the enforced fields only', () => {
    assert.deepEqual(projectRulesOf({ description: 'x', roles: [], sourceRepos: ['*'], syncWindows: [] }), { sourceRepos: ['*'], syncWindows: [] });
  });
});

describe('the agent side: an assignment\'s projectLimits', () => {
  it('checks a bundle with the limits and the cluster the hub matched', () => {
    const assignment: Pick<Assignment, 'project' | 'namespace' | 'projectLimits'> = {
      project: 'team-a', namespace: 'team-a',
      projectLimits: { cluster: { name: 'edge', server: 'https://edge:6443' }, destinations: [{ server: 'https://edge:6443', namespace: 'team-a' }] },
    };
    const limits = assignment.projectLimits!;
    const check = (ns: string) => bundleViolations({ name: assignment.project, spec: limits }, [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: ns } }], { ...limits.cluster, namespace: assignment.namespace });
    assert.deepEqual(check('team-a'), []);
    assert.deepEqual(check('kube-system').map((v) => v.rule), ['destinations']);
  });
});
