// Helpers for app-of-apps tests: child Application and parent objects as an Argo CD apps repo
// holds them, protocol-level agents registered on a test hub, and the status reports they send.
import assert from 'node:assert/strict';
import type { TestHub } from './hub.ts';
import { connectAgent, type TestAgent } from './test-agent.ts';

/** A ConfigMap manifest. */
export const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "1"\n`;

/** A child Application's YAML, as an Argo CD apps repo holds it. */
export function childYaml(repoURL: string, name: string, cluster: string, options: { namespace?: string; finalizer?: boolean; project?: string; wave?: number } = {}): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    `  name: ${name}`,
    '  namespace: argocd',
    ...(options.wave !== undefined ? ['  annotations:', `    argocd.argoproj.io/sync-wave: "${options.wave}"`] : []),
    ...(options.finalizer ? ['  finalizers:', '    - resources-finalizer.argocd.argoproj.io'] : []),
    'spec:',
    `  project: ${options.project ?? 'default'}`,
    '  source:',
    `    repoURL: ${repoURL}`,
    `    path: workloads/${name}`,
    '    targetRevision: main',
    '  destination:',
    `    name: ${cluster}`,
    `    namespace: ${options.namespace ?? name}`,
    '  syncPolicy:',
    '    automated: {}',
    '',
  ].join('\n');
}

/** A parent Application whose destination is the hub. */
export function parent(name: string, repoURL: string, path: string, syncPolicy?: object) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: { project: 'default', source: { repoURL, path, targetRevision: 'main' }, destination: { name: 'hub', namespace: 'argocd' }, ...(syncPolicy ? { syncPolicy } : {}) },
  };
}

/** The latest assignment of an app an agent was sent: undefined never, null removed. */
export function latest(agent: TestAgent, app: string): any {
  let state: any;
  for (const m of agent.received) {
    if (m.type === 'snapshot') state = m.assignments.find((a) => a.app === app) ?? (state === undefined ? undefined : null);
    if (m.type === 'delta') for (const c of m.changes) if (c.app === app) state = c.assignment;
  }
  return state;
}

/** Registers cluster `name` and connects a protocol-level agent for it, past its first snapshot. */
export async function registerAgent(t: TestHub, name: string): Promise<TestAgent> {
  const added = await t.api('POST', '/api/v1/clusters', { name });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  const agent = await connectAgent(t.hub.url, added.body.bootstrapToken);
  agent.hello(0);
  await agent.next('snapshot');
  return agent;
}

let seq = 0;
/** Sends a status report of `app` (Synced, with this health), with fields of `extra` on top. */
export function report(agent: TestAgent, app: string, health: string, extra: Record<string, unknown> = {}): void {
  agent.send({ type: 'status', app, seq: ++seq, status: { sync: { status: 'Synced' }, health: { status: health }, resources: [], reconciledAt: new Date().toISOString(), ...extra } });
}
