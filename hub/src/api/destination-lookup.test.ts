// Destinations as Argo CD writes them, decided before any lookup.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { destinationLookup, type DestinationLookup } from './destination-lookup.ts';

describe('destinationLookup', () => {
  // destination | lookup
  const rows: [{ name?: string; server?: string; namespace?: string }, DestinationLookup][] = [
    [{ name: 'hub', namespace: 'argocd' }, { kind: 'hub', field: 'spec.destination.name' }],
    [{ name: 'in-cluster', namespace: 'demo' }, { kind: 'name', name: 'in-cluster' }],
    [{ name: 'prod-eu' }, { kind: 'name', name: 'prod-eu' }],
    [{ server: 'https://kubernetes.default.svc', namespace: 'demo' }, { kind: 'in-cluster', orHub: false }],
    [{ server: 'https://kubernetes.default.svc/', namespace: 'argocd' }, { kind: 'in-cluster', orHub: true }],
    [{ server: 'https://kubernetes.default.svc' }, { kind: 'in-cluster', orHub: false }],
    [{ server: 'https://kubernetes.default.svc.cluster.local', namespace: 'argocd' }, { kind: 'server', server: 'https://kubernetes.default.svc.cluster.local' }],
    [{ server: 'https://10.0.0.1:6443/', namespace: 'demo' }, { kind: 'server', server: 'https://10.0.0.1:6443' }],
  ];
  for (const [destination, lookup] of rows) it(JSON.stringify(destination), () => assert.deepEqual(destinationLookup(destination), lookup));
});
