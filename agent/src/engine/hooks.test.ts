// Table-driven tests for hooks.ts: which objects are hooks (argocd, Helm, both), their delete policies,
// instance names, progress from the live object, deletion by policy, and splitting a bundle.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from './objects.ts';
import {
  HELM_HOOK_ANNOTATION as HELM, HELM_HOOK_DELETE_POLICY_ANNOTATION as HELM_POLICY,
  hookDeletions, hookInstanceName, hookOf, hookProgress, isHookObject, isSkipOnly, splitHooks, type Hook,
} from './hooks.ts';
import { HOOK_ANNOTATION as ARGO, HOOK_DELETE_POLICY_ANNOTATION as ARGO_POLICY, SYNC_WAVE_ANNOTATION, HELM_HOOK_WEIGHT_ANNOTATION } from './sync-options.ts';

/** A Job named `j` carrying these annotations. */
function job(annotations: Record<string, string>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'ns', annotations, ...meta } };
}

/** A hook record, for expected values. */
function hook(source: Hook['source'], types: Hook['types'], deletePolicies: Hook['deletePolicies'] = ['BeforeHookCreation']): Hook {
  return { types, deletePolicies, source };
}

describe('hookOf', () => {
  // case | annotations | expected hook (undefined: not a hook) or { error: substrings the error names }
  const rows: [string, Record<string, string>, Hook | undefined | { error: string[] }][] = [
    ['no annotations: a resource', {}, undefined],
    ['argocd PreSync, default policy BeforeHookCreation', { [ARGO]: 'PreSync' }, hook('argocd', ['PreSync'])],
    ['argocd comma list with spaces and a repeat', { [ARGO]: ' PreSync, PostSync ,PreSync' }, hook('argocd', ['PreSync', 'PostSync'])],
    ['argocd Sync', { [ARGO]: 'Sync' }, hook('argocd', ['Sync'])],
    ['argocd SyncFail', { [ARGO]: 'SyncFail' }, hook('argocd', ['SyncFail'])],
    ['argocd PostDelete', { [ARGO]: 'PostDelete' }, hook('argocd', ['PostDelete'])],
    ['argocd Skip', { [ARGO]: 'Skip' }, hook('argocd', ['Skip'])],
    ['argocd Skip with a phase', { [ARGO]: 'Skip,PreSync' }, hook('argocd', ['Skip', 'PreSync'])],
    ['argocd HookSucceeded replaces the default', { [ARGO]: 'PostSync', [ARGO_POLICY]: 'HookSucceeded' }, hook('argocd', ['PostSync'], ['HookSucceeded'])],
    ['argocd HookFailed', { [ARGO]: 'PostSync', [ARGO_POLICY]: 'HookFailed' }, hook('argocd', ['PostSync'], ['HookFailed'])],
    ['argocd BeforeHookCreation given', { [ARGO]: 'PostSync', [ARGO_POLICY]: 'BeforeHookCreation' }, hook('argocd', ['PostSync'], ['BeforeHookCreation'])],
    ['argocd two policies', { [ARGO]: 'Sync', [ARGO_POLICY]: 'HookSucceeded,HookFailed' }, hook('argocd', ['Sync'], ['HookSucceeded', 'HookFailed'])],
    ['helm pre-install → PreSync', { [HELM]: 'pre-install' }, hook('helm', ['PreSync'])],
    ['helm pre-upgrade → PreSync', { [HELM]: 'pre-upgrade' }, hook('helm', ['PreSync'])],
    ['helm post-install → PostSync', { [HELM]: 'post-install' }, hook('helm', ['PostSync'])],
    ['helm post-upgrade → PostSync', { [HELM]: 'post-upgrade' }, hook('helm', ['PostSync'])],
    ['helm pre-install,pre-upgrade → one PreSync', { [HELM]: 'pre-install,pre-upgrade' }, hook('helm', ['PreSync'])],
    ['helm pre-install,post-upgrade → PreSync and PostSync', { [HELM]: 'pre-install, post-upgrade' }, hook('helm', ['PreSync', 'PostSync'])],
    ['helm post-delete → PostDelete', { [HELM]: 'post-delete' }, hook('helm', ['PostDelete'])],
    ['helm pre-delete: a hook Argo CD does not run', { [HELM]: 'pre-delete' }, hook('helm', [])],
    ['helm test: a hook Argo CD does not run', { [HELM]: 'test' }, hook('helm', [])],
    ['helm test-success and pre-rollback: not run', { [HELM]: 'test-success,pre-rollback' }, hook('helm', [])],
    ['helm crd-install alone: an ordinary resource', { [HELM]: 'crd-install' }, undefined],
    ['helm crd-install in a list: the rest counts', { [HELM]: 'crd-install,pre-install' }, hook('helm', ['PreSync'])],
    ['helm hook-succeeded', { [HELM]: 'post-install', [HELM_POLICY]: 'hook-succeeded' }, hook('helm', ['PostSync'], ['HookSucceeded'])],
    ['helm hook-failed', { [HELM]: 'post-install', [HELM_POLICY]: 'hook-failed' }, hook('helm', ['PostSync'], ['HookFailed'])],
    ['helm before-hook-creation,hook-succeeded', { [HELM]: 'pre-upgrade', [HELM_POLICY]: 'before-hook-creation,hook-succeeded' },
      hook('helm', ['PreSync'], ['BeforeHookCreation', 'HookSucceeded'])],
    ['helm policy with an argocd policy: both taken', { [HELM]: 'pre-install', [ARGO_POLICY]: 'HookFailed', [HELM_POLICY]: 'hook-succeeded' },
      hook('helm', ['PreSync'], ['HookFailed', 'HookSucceeded'])],
    ['both hook annotations: argocd wins', { [ARGO]: 'PostSync', [HELM]: 'pre-install' }, hook('argocd', ['PostSync'])],
    ['both: argocd wins, so a Helm value is not even read', { [ARGO]: 'Sync', [HELM]: 'no-such-hook' }, hook('argocd', ['Sync'])],
    ['both: argocd type, helm policy taken', { [ARGO]: 'Sync', [HELM]: 'pre-install', [HELM_POLICY]: 'hook-succeeded' }, hook('argocd', ['Sync'], ['HookSucceeded'])],
    ['both policies, repeats dropped', { [ARGO]: 'Sync', [ARGO_POLICY]: 'HookSucceeded', [HELM_POLICY]: 'hook-succeeded,hook-failed' },
      hook('argocd', ['Sync'], ['HookSucceeded', 'HookFailed'])],
    ['argocd Skip over a Helm hook', { [ARGO]: 'Skip', [HELM]: 'pre-install' }, hook('argocd', ['Skip'])],
    ['a policy without a hook: not a hook', { [ARGO_POLICY]: 'HookSucceeded', [HELM_POLICY]: 'hook-succeeded' }, undefined],
    ['unknown argocd type', { [ARGO]: 'PreSynk' }, { error: [ARGO, '"PreSynk"'] }],
    ['argocd type in the wrong case', { [ARGO]: 'presync' }, { error: [ARGO, '"presync"'] }],
    ['empty argocd annotation', { [ARGO]: ' , ' }, { error: [ARGO, 'empty'] }],
    ['unknown argocd policy', { [ARGO]: 'Sync', [ARGO_POLICY]: 'Always' }, { error: [ARGO_POLICY, '"Always"'] }],
    ['unknown helm hook', { [HELM]: 'pre-instal' }, { error: [HELM, '"pre-instal"'] }],
    ['unknown helm hook beside a known one', { [HELM]: 'pre-install,sometimes' }, { error: [HELM, '"sometimes"'] }],
    ['unknown helm policy', { [HELM]: 'pre-install', [HELM_POLICY]: 'hook-succeded' }, { error: [HELM_POLICY, '"hook-succeded"'] }],
    ['argocd policy spelled the Helm way', { [ARGO]: 'Sync', [ARGO_POLICY]: 'hook-succeeded' }, { error: [ARGO_POLICY, '"hook-succeeded"'] }],
  ];
  for (const [name, annotations, expected] of rows) {
    it(name, () => {
      const parsed = hookOf(job(annotations));
      if (expected && 'error' in expected) {
        assert.equal(parsed.ok, false, JSON.stringify(parsed));
        for (const part of expected.error) assert.ok(!parsed.ok && parsed.error.includes(part), `${parsed.ok ? '' : parsed.error} names ${part}`);
      } else {
        assert.deepEqual(parsed, { ok: true, value: expected });
      }
    });
  }
});

describe('isSkipOnly and isHookObject', () => {
  // case | annotations | Skip alone? (undefined: not a hook) | a hook object (never pruned)?
  const rows: [string, Record<string, string>, boolean | undefined, boolean][] = [
    ['a resource', {}, undefined, false],
    ['Skip', { [ARGO]: 'Skip' }, true, false],
    ['Skip,PreSync', { [ARGO]: 'Skip,PreSync' }, false, true],
    ['PostSync', { [ARGO]: 'PostSync' }, false, true],
    ['helm test (not run, still not a resource)', { [HELM]: 'test' }, false, true],
    ['bad annotation', { [ARGO]: 'Later' }, undefined, false],
  ];
  for (const [name, annotations, skip, isHook] of rows) {
    it(name, () => {
      const parsed = hookOf(job(annotations));
      assert.equal(parsed.ok && parsed.value ? isSkipOnly(parsed.value) : undefined, skip);
      assert.equal(isHookObject(job(annotations)), isHook);
    });
  }
});

/** A Job hook with only generateName (and this kind and namespace). */
function generated(generateName: string, kind = 'Job', namespace = 'ns'): KubeObject {
  return { apiVersion: 'batch/v1', kind, metadata: { generateName, namespace, annotations: { [ARGO]: 'PreSync' } } as unknown as KubeObject['metadata'] };
}

describe('hookInstanceName', () => {
  const name = (obj: KubeObject, op = 'op-1', phase: 'PreSync' | 'PostSync' = 'PreSync', occurrence = 0) => {
    const parsed = hookInstanceName(obj, op, phase, occurrence);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    return parsed.value;
  };
  it('a named hook keeps its name, even beside a generateName', () => {
    assert.equal(name(job({ [ARGO]: 'PreSync' }, { name: 'migrate', generateName: 'other-' })), 'migrate');
  });
  it('generateName gets five lowercase base36 characters', () => {
    assert.match(name(generated('migrate-')), /^migrate-[0-9a-z]{5}$/);
  });
  it('the suffix is a fixed function of its inputs (a restarted agent of any version names it alike)', () => {
    assert.equal(name(generated('migrate-')), name(generated('migrate-')));
    assert.equal(name(generated('migrate-')), 'migrate-2lpy1');
  });
  // case | the other call's changes | differs from op-1/PreSync/Job/ns/migrate-/0?
  const rows: [string, () => string, boolean][] = [
    ['same operation, phase and object', () => name(generated('migrate-')), false],
    ['the next operation', () => name(generated('migrate-'), 'op-2'), true],
    ['another phase of the same operation', () => name(generated('migrate-'), 'op-1', 'PostSync'), true],
    ['another namespace', () => name(generated('migrate-', 'Job', 'other')), true],
    ['another kind', () => name(generated('migrate-', 'Pod')), true],
    ['the second hook sharing the generateName', () => name(generated('migrate-'), 'op-1', 'PreSync', 1), true],
  ];
  for (const [label, other, differs] of rows) {
    it(`${label}: ${differs ? 'a different' : 'the same'} name`, () => {
      assert.equal(name(generated('migrate-')) !== other(), differs);
    });
  }
  // case | generateName | kind | expected length | expected prefix
  const limits: [string, string, string, number, string][] = [
    ['a long Job generateName is cut to stay a 63-character label', `${'a'.repeat(100)}-`, 'Job', 63, 'a'.repeat(58)],
    ['a CronJob leaves room for its Jobs\' 11 characters', `${'c'.repeat(80)}-`, 'CronJob', 52, 'c'.repeat(47)],
    ['any other kind stays within 63 too', `${'m'.repeat(300)}`, 'ConfigMap', 63, 'm'.repeat(58)],
    ['a short one is not cut', 'x-', 'Job', 7, 'x-'],
  ];
  for (const [label, generateName, kind, length, prefix] of limits) {
    it(label, () => {
      const value = name(generated(generateName, kind));
      assert.equal(value.length, length);
      assert.ok(value.startsWith(prefix), value);
      assert.match(value, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    });
  }
  // case | metadata | substring the error names
  const errors: [string, Record<string, unknown>, string][] = [
    ['neither name nor generateName', { namespace: 'ns' }, 'metadata.name or metadata.generateName'],
    ['empty name and generateName', { name: '', generateName: '' }, 'metadata.name or metadata.generateName'],
    ['uppercase generateName', { generateName: 'Migrate-' }, '"Migrate-"'],
    ['underscore in generateName', { generateName: 'db_migrate-' }, '"db_migrate-"'],
    ['generateName starting with a dash', { generateName: '-migrate' }, '"-migrate"'],
  ];
  for (const [label, metadata, part] of errors) {
    it(`error: ${label}`, () => {
      const parsed = hookInstanceName({ apiVersion: 'batch/v1', kind: 'Job', metadata: metadata as KubeObject['metadata'] }, 'op', 'PreSync');
      assert.ok(!parsed.ok && parsed.error.includes(part), JSON.stringify(parsed));
    });
  }
});

/** A live object of this kind with this status (and spec). */
function live(apiVersion: string, kind: string, status: Record<string, unknown> | undefined, spec?: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name: 'h', namespace: 'ns', ...meta }, ...(spec ? { spec } : {}), ...(status ? { status } : {}) };
}
const condition = (type: string, message = '') => ({ conditions: [{ type, status: 'True', message }] });
const pod = (phase: string, restartPolicy = 'Never', extra: Record<string, unknown> = {}) => live('v1', 'Pod', { phase, ...extra }, { restartPolicy });
const workflow = (phase: string | undefined, message?: string) => live('argoproj.io/v1alpha1', 'Workflow', { ...(phase === undefined ? {} : { phase }), ...(message ? { message } : {}) });

describe('hookProgress', () => {
  // case | live object (undefined: gone) | just created? | expected progress | substring of the message
  const rows: [string, KubeObject | undefined, boolean, 'Running' | 'Succeeded' | 'Failed', string][] = [
    ['Job without conditions runs', live('batch/v1', 'Job', { active: 1 }), false, 'Running', 'Job h is running'],
    ['Job Complete succeeds', live('batch/v1', 'Job', condition('Complete', 'done')), false, 'Succeeded', 'done'],
    ['Job Failed fails with its message', live('batch/v1', 'Job', condition('Failed', 'BackoffLimitExceeded')), false, 'Failed', 'BackoffLimitExceeded'],
    ['Job Suspended still runs', live('batch/v1', 'Job', condition('Suspended')), false, 'Running', 'Job h'],
    ['Job just created, no status yet', live('batch/v1', 'Job', undefined), true, 'Running', 'running'],
    ['completed Job being deleted keeps its result', live('batch/v1', 'Job', condition('Complete'), undefined, { deletionTimestamp: '2025-01-01T00:00:00Z' }), false, 'Succeeded', 'succeeded'],
    ['Pod Pending runs', pod('Pending'), false, 'Running', 'Pod h'],
    ['Pod Running (restartPolicy Never) runs', pod('Running'), false, 'Running', 'Pod h'],
    ['Pod Succeeded succeeds', pod('Succeeded'), false, 'Succeeded', 'Pod h'],
    ['Pod Failed fails, naming the container', pod('Failed', 'Never', { containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 3 } } }] }), false, 'Failed', 'exit code 3'],
    ['Pod phase Unknown fails (Argo CD: Unknown health)', pod('Unknown'), false, 'Failed', 'Pod h'],
    ['Workflow Running runs', workflow('Running'), false, 'Running', 'Workflow h'],
    ['Workflow without a phase runs', workflow(undefined), false, 'Running', 'Workflow h'],
    ['Workflow Succeeded succeeds', workflow('Succeeded'), false, 'Succeeded', 'Workflow h'],
    ['Workflow Failed fails with its message', workflow('Failed', 'step 2 failed'), false, 'Failed', 'step 2 failed'],
    ['Workflow Error fails', workflow('Error'), false, 'Failed', 'Workflow h'],
    ['Workflow in an unknown phase fails', workflow('Exploded'), false, 'Failed', 'Workflow h'],
    ['ConfigMap succeeds once it exists', live('v1', 'ConfigMap', undefined), false, 'Succeeded', 'ConfigMap h created'],
    ['Deployment not yet available runs', live('apps/v1', 'Deployment', { observedGeneration: 1, replicas: 1, updatedReplicas: 0 }, { replicas: 1 }, { generation: 1 }), false, 'Running', 'Waiting for rollout'],
    ['a CR whose Ready is False fails', live('example.com/v1', 'Thing', { conditions: [{ type: 'Ready', status: 'False', message: 'broken' }] }), false, 'Failed', 'broken'],
    ['gone, just created: still running', undefined, true, 'Running', 'waiting'],
    ['gone, not just created: deleted before it completed', undefined, false, 'Failed', 'deleted before it completed'],
  ];
  for (const [name, obj, justCreated, progress, message] of rows) {
    it(name, () => {
      const result = hookProgress(obj, justCreated);
      assert.equal(result.progress, progress, result.message);
      assert.ok(result.message.includes(message), `${result.message} includes ${message}`);
    });
  }
  it('a custom health check is consulted first', () => {
    assert.equal(hookProgress(live('v1', 'ConfigMap', undefined), false, () => ({ status: 'Degraded', message: 'custom' })).progress, 'Failed');
  });
});

describe('hookDeletions', () => {
  // policies | delete after success? | after failure? | before creating afresh?
  const rows: [Hook['deletePolicies'], boolean, boolean, boolean][] = [
    [['BeforeHookCreation'], false, false, true],
    [['HookSucceeded'], true, false, false],
    [['HookFailed'], false, true, false],
    [['HookSucceeded', 'HookFailed'], true, true, false],
    [['BeforeHookCreation', 'HookSucceeded'], true, false, true],
  ];
  for (const [policies, succeeded, failed, before] of rows) {
    it(policies.join(','), () => {
      const h = hook('argocd', ['PreSync'], policies);
      assert.deepEqual([hookDeletions(h, 'Succeeded'), hookDeletions(h, 'Failed'), hookDeletions(h, 'before-create')], [succeeded, failed, before]);
    });
  }
});

describe('splitHooks', () => {
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config', namespace: 'ns' } },
    job({ [ARGO]: 'PreSync', [SYNC_WAVE_ANNOTATION]: '-2' }, { name: 'migrate' }),
    { ...generated('smoke-'), metadata: { ...generated('smoke-').metadata, annotations: { [HELM]: 'post-install', [HELM_HOOK_WEIGHT_ANNOTATION]: '5' } } },
    job({ [ARGO]: 'PostDelete' }, { name: 'cleanup' }),
    job({ [ARGO]: 'Skip' }, { name: 'skipped' }),
    job({ [HELM]: 'test' }, { name: 'helm-test' }),
    { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'things.example.com', annotations: { [HELM]: 'crd-install' } } },
    job({ [ARGO]: 'Presync' }, { name: 'typo' }),
    job({ [ARGO]: 'PreSync', [SYNC_WAVE_ANNOTATION]: 'first' }, { name: 'bad-wave' }),
    { apiVersion: 'batch/v1', kind: 'Job', metadata: { namespace: 'ns', annotations: { [ARGO]: 'Sync' } } as unknown as KubeObject['metadata'] },
  ];
  const split = splitHooks(objects);
  it('resources: ordinary objects and crd-install CRDs', () => {
    assert.deepEqual(split.resources.map((o) => o.metadata.name), ['config', 'things.example.com']);
  });
  it('hooks, with waves from sync-wave or helm.sh/hook-weight', () => {
    assert.deepEqual(split.hooks.map((h) => [h.object.metadata.name ?? h.object.metadata['generateName'], h.hook.types, h.wave]),
      [['migrate', ['PreSync'], -2], ['smoke-', ['PostSync'], 5], ['cleanup', ['PostDelete'], 0]]);
  });
  it('skipped: Skip and Helm hooks Argo CD does not run, with reasons', () => {
    assert.deepEqual(split.skipped.map((s) => [s.object.metadata.name, s.reason.includes(s.object.metadata.name === 'skipped' ? 'Skip' : 'test')]),
      [['skipped', true], ['helm-test', true]]);
  });
  it('errors name the object and the problem', () => {
    assert.equal(split.errors.length, 3, JSON.stringify(split.errors));
    assert.match(split.errors[0]!.message, /Job ns\/typo: .*"Presync"/);
    assert.equal(split.errors[0]!.ref, 'batch/Job/ns/typo');
    assert.match(split.errors[1]!.message, /Job ns\/bad-wave: .*sync-wave/);
    assert.match(split.errors[2]!.message, /Job ns\/\*: .*metadata.name or metadata.generateName/);
    assert.equal(split.errors[2]!.ref, undefined);
  });
});
