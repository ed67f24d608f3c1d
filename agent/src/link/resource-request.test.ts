// answerResourceGet: only objects of the application's inventory are read, Secret values leave masked,
// a missing object is an empty answer, a failed or oversized read an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerResourceGet, MAX_RESOURCE_BYTES, type ResourceReader } from './resource-request.ts';

const inventory = [
  { group: '', version: 'v1', kind: 'Secret', namespace: 'x', name: 'creds' },
  { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'x', name: 'web' },
  { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'x', name: 'big' },
  { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'x', name: 'gone' },
  { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'x', name: 'broken' },
];
const live: Record<string, Record<string, unknown>> = {
  'v1/Secret/creds': { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'x' }, data: { password: 'aHVudGVyMg==' } },
  'apps/v1/Deployment/web': { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'x', managedFields: [{}] }, spec: { replicas: 2 } },
  'v1/ConfigMap/big': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { blob: 'x'.repeat(MAX_RESOURCE_BYTES) } },
};

function reader(reads: string[]): ResourceReader {
  return {
    inventory: (app) => (app === 'web' ? inventory : undefined),
    async get(ref) {
      const key = `${ref.apiVersion}/${ref.kind}/${ref.name}`;
      reads.push(key);
      if (ref.name === 'broken') throw new Error('connection refused');
      return live[key];
    },
  };
}

// name | app | ref | expected answer fields | reads made
const rows: [string, string, { group: string; kind: string; namespace?: string; name: string }, Record<string, unknown>, string[]][] = [
  ['a Secret in the inventory: values masked', 'web', { group: '', kind: 'Secret', namespace: 'x', name: 'creds' },
    { object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'x' }, data: { password: '++++++++' } } }, ['v1/Secret/creds']],
  ['a Deployment: read with its group and version, managedFields dropped', 'web', { group: 'apps', kind: 'Deployment', namespace: 'x', name: 'web' },
    { object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'x' }, spec: { replicas: 2 } } }, ['apps/v1/Deployment/web']],
  ['not in the inventory: refused, nothing read', 'web', { group: '', kind: 'Secret', namespace: 'kube-system', name: 'admin-token' },
    { error: 'not in the inventory of application "web": Secret kube-system/admin-token' }, []],
  ['another application: refused, nothing read', 'other', { group: '', kind: 'Secret', namespace: 'x', name: 'creds' },
    { error: 'not in the inventory of application "other": Secret x/creds' }, []],
  ['gone from the cluster: an empty answer', 'web', { group: '', kind: 'ConfigMap', namespace: 'x', name: 'gone' }, {}, ['v1/ConfigMap/gone']],
  ['too large for a message: an error', 'web', { group: '', kind: 'ConfigMap', namespace: 'x', name: 'big' },
    { error: `ConfigMap x/big is ${MAX_RESOURCE_BYTES + 83} bytes, more than the ${MAX_RESOURCE_BYTES} a live read carries` }, ['v1/ConfigMap/big']],
  ['a failed read: an error', 'web', { group: '', kind: 'ConfigMap', namespace: 'x', name: 'broken' },
    { error: 'reading ConfigMap x/broken failed: connection refused' }, ['v1/ConfigMap/broken']],
];

for (const [name, app, ref, expected, wantReads] of rows) {
  test(`answerResourceGet: ${name}`, async () => {
    const reads: string[] = [];
    const answer = await answerResourceGet(reader(reads), { type: 'resource.get', requestId: 'r1', app, ref });
    assert.deepEqual(answer, { type: 'resource.got', requestId: 'r1', ...expected });
    assert.deepEqual(reads, wantReads);
  });
}
