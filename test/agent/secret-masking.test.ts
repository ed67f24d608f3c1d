// Secret values stay out of the agent's failure messages, on a real cluster: a
// ValidatingAdmissionPolicy refuses Secrets with a message that quotes their password (as
// admission policies written by users do), and the engine applies one. The API's own error quotes
// the value (base64-encoded, as CEL sees Secret data); the failure the executor reports (what becomes the SyncError condition, the operation
// message and the SyncFailed event sent to the hub) has it masked.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { startClusters, type ClusterSet } from '../cluster/index.ts';
import { kubeRequest, waitFor } from '../cluster/kube-http.ts';
import { Kube, type KubeObject } from '../../agent/src/engine/kube.ts';
import { loadKubeconfig } from '../../agent/src/engine/kubeconfig.ts';
import { planRun } from '../../agent/src/engine/run-plan.ts';
import { executeSync } from '../../agent/src/engine/sync-run.ts';
import type { OperationRun } from '../../agent/src/engine/operation.ts';

const PASSWORD = 'correct-horse-battery-staple';
const NS = 'masked';
/** Whether a text shows the password, as written or base64-encoded (CEL sees Secret data as its base64 text). */
const reveals = (text: string) => text.includes(PASSWORD) || text.includes(Buffer.from(PASSWORD).toString('base64'));

const secret = (name: string): KubeObject => ({
  apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: NS, labels: { policy: 'refuse' } }, stringData: { password: PASSWORD },
});

describe('Secret values in apply errors', () => {
  let set: ClusterSet;
  let kube: Kube;
  before(async () => {
    set = await startClusters({ count: 1 });
    const cluster = set.clusters[0]!;
    const post = async (path: string, body: object) => {
      const res = await kubeRequest(cluster, 'POST', path, body);
      assert.equal(res.status, 201, `${path}: ${res.text}`);
    };
    await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await post('/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies', {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'quote-passwords' },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['secrets'] }] },
        validations: [{ expression: 'false', messageExpression: "'password ' + string(object.data['password']) + ' is not allowed'" }],
      },
    });
    await post('/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings', {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'quote-passwords' },
      spec: { policyName: 'quote-passwords', validationActions: ['Deny'], matchResources: { objectSelector: { matchLabels: { policy: 'refuse' } } } },
    });
    kube = new Kube(loadKubeconfig(cluster.kubeconfigPath), 'test');
    // The policy takes effect a moment after it is created: until the API itself quotes the password.
    await waitFor('the policy quoting the password', async () => {
      const error = await kube.apply(secret('probe')).then(() => undefined, (e: Error) => e);
      return error !== undefined && reveals(error.message);
    }, 30_000, 250);
  });
  after(() => set?.stop());

  it('reports an apply failure with the password masked', async () => {
    const plan = planRun({ app: 'masked', operationId: 'op-1', resources: [secret('creds') as never], hooks: [], live: new Map(), inventory: [], prune: false });
    const run: OperationRun = {
      id: 'op-1', app: 'masked', kind: 'sync', initiatedBy: 'test', bundle: 'sha256:b', revision: null, prune: false, dryRun: false, syncOptions: [],
      phase: 'Running', message: '', startedAt: new Date().toISOString(), tasks: plan.tasks, failing: false, attempt: 0,
    };
    const step = await executeSync(run, plan.objects, {
      kube, live: async () => undefined, save: async () => {}, now: () => new Date().toISOString(), log: pino({ level: 'silent' }), synced: new Set(),
    });
    assert.equal(step.run.phase, 'Failed');
    const failed = step.run.tasks.filter((t) => t.status === 'Failed');
    assert.equal(failed.length, 1);
    const message = failed[0]!.message!;
    assert.ok(!reveals(step.run.message), step.run.message);
    assert.match(message, /password \*{6} is not allowed/);
    assert.ok(!reveals(message), message);
  });
});
