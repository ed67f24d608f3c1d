// `flotilla admin rbac` as a user runs it: validate and can offline on a policy file (policy.csv
// or an argocd-rbac-cm ConfigMap), set and get against a real hub.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { runCli } from '../support/cli.ts';

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-rbac-cm
  namespace: argocd
data:
  policy.default: role:readonly
  policy.csv: |
    p, role:deployer, applications, sync, team-a/*, allow
    p, role:deployer, applications, sync, team-a/frozen, deny
    g, dan, role:deployer
`;

describe('flotilla admin rbac', () => {
  let t: TestHub;
  let dir: string;
  let config: string;
  const cli = (...args: string[]) => runCli(config, args);
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-rbac-cli-'));
    writeFileSync(join(dir, 'argocd-rbac-cm.yaml'), CONFIGMAP);
    writeFileSync(join(dir, 'bad.csv'), 'p, role:x, applications, get, */*, allow\np, role:x, pods, get, *, allow\n');
    writeFileSync(join(dir, 'policy.csv'), 'p, dan, clusters, get, *, deny\ng, dan, role:readonly\n');
    t = await startTestHub();
    config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ server: t.hub.url, token: t.token }), { mode: 0o600 });
  });
  after(async () => {
    await t.stop(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it('validates a file offline: exit 0 when valid, 1 naming each bad line', async () => {
    const ok = await cli('admin', 'rbac', 'validate', '-f', join(dir, 'argocd-rbac-cm.yaml'));
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, `${join(dir, 'argocd-rbac-cm.yaml')}: the policy is valid\n`);
    const bad = await cli('admin', 'rbac', 'validate', '-f', join(dir, 'bad.csv'));
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error: the policy is invalid:\n.*bad\.csv:2: unknown resource "pods"/m);
  });

  it('answers can offline from a ConfigMap: yes, no by a deny, and the default role', async () => {
    const file = join(dir, 'argocd-rbac-cm.yaml');
    const yes = await cli('admin', 'rbac', 'can', 'dan', 'sync', 'applications', 'team-a/web', '--policy-file', file);
    assert.equal(yes.stdout, 'yes\n', yes.stderr);
    const denied = await cli('admin', 'rbac', 'can', 'dan', 'sync', 'applications', 'team-a/frozen', '--policy-file', file, '--explain');
    assert.equal(denied.stdout, 'no\n"p, role:deployer, applications, sync, team-a/frozen, deny" (policy.csv line 2) denies sync on applications team-a/frozen to dan as role:deployer\n');
    const other = await cli('admin', 'rbac', 'can', 'role:readonly', 'get', 'clusters', 'edge', '--policy-file', file, '--default-role', '');
    assert.equal(other.stdout, 'yes\n');
  });

  it('sets the hub policy from a file and gets it back; can then asks the hub', async () => {
    const set = await cli('admin', 'rbac', 'set', '-f', join(dir, 'policy.csv'));
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /^RBAC policy updated \(version \d+\)\n$/);
    const csv = await cli('admin', 'rbac', 'get', '-o', 'csv');
    assert.equal(csv.stdout, 'p, dan, clusters, get, *, deny\ng, dan, role:readonly\n');
    const can = await cli('admin', 'rbac', 'can', 'dan', 'get', 'clusters', 'edge', '--explain');
    assert.equal(can.stdout, 'no\n"p, dan, clusters, get, *, deny" (policy.csv line 1) denies get on clusters edge to dan\n');
    const refused = await cli('admin', 'rbac', 'set', '-f', join(dir, 'bad.csv'));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /unknown resource "pods"/);
  });
});
