// `flotilla cluster get`: the cluster's Kubernetes version and how many API
// versions its agent reported (the capabilities renders use), or that it reported none yet.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeCluster, type ClusterView } from './cluster.ts';

const view = (info: Partial<ClusterView['info']>): ClusterView => ({
  name: 'edge', labels: {}, server: null, createdAt: '2026-12-01T00:00:00.000Z',
  info: { connectionState: { status: 'Successful', message: 'agent connected' }, agent: { agentVersion: '0.1.0' }, applicationsCount: 0, revision: 1, ackedRevision: 1, lastSeenAt: null, ...info },
});

describe('describeCluster', () => {
  // case | info | lines expected
  const rows: [string, Partial<ClusterView['info']>, RegExp[]][] = [
    ['reported capabilities', { capabilities: { kubeVersion: 'v1.34.4', apiVersionsCount: 312 } }, [/Kubernetes:\s+v1\.34\.4/, /API Versions:\s+312 /]],
    ['nothing reported yet', { capabilities: null }, [/API Versions:\s+not reported yet/]],
    ['an older hub: only the agent version field', { agent: { agentVersion: '0.1.0', kubernetesVersion: 'v1.33.1' } }, [/Kubernetes:\s+v1\.33\.1/, /API Versions:\s+not reported yet/]],
  ];
  for (const [name, info, expected] of rows) {
    it(name, () => {
      const text = describeCluster(view(info));
      for (const line of expected) assert.match(text, line);
    });
  }
});
