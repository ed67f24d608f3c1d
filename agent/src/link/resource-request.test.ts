// answerResourceGet: only objects of the application's resource tree (its inventory and the nodes
// reported below it) are read, Secret values leave masked with, when the hub sent a key, their HMACs
// under it, a missing object is an empty answer, a failed or oversized read an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { answerResourceGet, MAX_RESOURCE_BYTES, type ResourceReader } from './resource-request.ts';

const inventory = [
  { group: '', version: 'v1', kind: 'Secret', namespace: 'x', name: 'creds' },
  { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'x', name: 'web' },
  { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'x', name: 'big' },
  { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'x', name: 'gone' },
  { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'x', name: 'broken' },
];
// The nodes the agent reported below the Deployment (tree.ts): its ReplicaSet and that one's Pod.
const tree = [
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', namespace: 'x', name: 'web-5d8f', parentRefs: [{ group: 'apps', kind: 'Deployment', namespace: 'x', name: 'web' }] },
  { group: '', version: 'v1', kind: 'Pod', namespace: 'x', name: 'web-5d8f-abcde', parentRefs: [{ group: 'apps', kind: 'ReplicaSet', namespace: 'x', name: 'web-5d8f' }] },
];
const live: Record<string, Record<string, unknown>> = {
  'apps/v1/ReplicaSet/web-5d8f': { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d8f', namespace: 'x' }, spec: { replicas: 2 } },
  'v1/Pod/web-5d8f-abcde': { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-5d8f-abcde', namespace: 'x' }, spec: { containers: [] } },
  'v1/Secret/creds': { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'x' }, data: { password: 'aHVudGVyMg==' } },
  'apps/v1/Deployment/web': { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'x', managedFields: [{}] }, spec: { replicas: 2 } },
  'v1/ConfigMap/big': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { blob: 'x'.repeat(MAX_RESOURCE_BYTES) } },
};

function reader(reads: string[]): ResourceReader {
  return {
    inventory: (app) => (app === 'web' ? inventory : undefined),
    tree: (app) => (app === 'web' ? tree : undefined),
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
  ['a ReplicaSet reported below the Deployment: read', 'web', { group: 'apps', kind: 'ReplicaSet', namespace: 'x', name: 'web-5d8f' },
    { object: live['apps/v1/ReplicaSet/web-5d8f'] }, ['apps/v1/ReplicaSet/web-5d8f']],
  ['a Pod reported below the ReplicaSet: read', 'web', { group: '', kind: 'Pod', namespace: 'x', name: 'web-5d8f-abcde' },
    { object: live['v1/Pod/web-5d8f-abcde'] }, ['v1/Pod/web-5d8f-abcde']],
  ['a Pod not in the tree: refused, nothing read', 'web', { group: '', kind: 'Pod', namespace: 'x', name: 'web-5d8f-zzzzz' },
    { error: 'not in the resource tree of application "web": Pod x/web-5d8f-zzzzz' }, []],
  ['a tree node named with another namespace: refused', 'web', { group: '', kind: 'Pod', namespace: 'y', name: 'web-5d8f-abcde' },
    { error: 'not in the resource tree of application "web": Pod y/web-5d8f-abcde' }, []],
  ['not in the tree: refused, nothing read', 'web', { group: '', kind: 'Secret', namespace: 'kube-system', name: 'admin-token' },
    { error: 'not in the resource tree of application "web": Secret kube-system/admin-token' }, []],
  ['another application: refused, nothing read', 'other', { group: '', kind: 'Secret', namespace: 'x', name: 'creds' },
    { error: 'not in the resource tree of application "other": Secret x/creds' }, []],
  ['another application does not reach this one\'s tree', 'other', { group: '', kind: 'Pod', namespace: 'x', name: 'web-5d8f-abcde' },
    { error: 'not in the resource tree of application "other": Pod x/web-5d8f-abcde' }, []],
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

test('answerResourceGet: a Secret asked with a key: masked values and their HMACs under that key, nothing else', async () => {
  const key = Buffer.alloc(32, 3);
  const answer = await answerResourceGet(reader([]), { type: 'resource.get', requestId: 'r2', app: 'web', ref: { group: '', kind: 'Secret', namespace: 'x', name: 'creds' }, digestKey: key.toString('base64') });
  assert.deepEqual((answer.object as { data?: unknown } | undefined)?.data, { password: '++++++++' });
  assert.deepEqual(answer.secretDigests, { password: createHmac('sha256', key).update('hunter2').digest('base64') });
  assert.doesNotMatch(JSON.stringify(answer), /aHVudGVyMg|hunter2/);
  const config = await answerResourceGet(reader([]), { type: 'resource.get', requestId: 'r3', app: 'web', ref: { group: 'apps', kind: 'Deployment', namespace: 'x', name: 'web' }, digestKey: key.toString('base64') });
  assert.equal(config.secretDigests, undefined, 'only a Secret has digests');
});
