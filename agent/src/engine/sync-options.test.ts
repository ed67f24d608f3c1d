// Table-driven tests for Argo CD's sync annotations: sync-options (annotation and app list), compare-options,
// sync-wave (with the helm hook-weight fallback) and hook / hook-delete-policy.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from './objects.ts';
import {
  COMPARE_OPTIONS_ANNOTATION, HOOK_ANNOTATION, HOOK_DELETE_POLICY_ANNOTATION, SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION,
  parseCompareOptions, parseHook, parseSyncOptions, parseSyncWave, resourceSyncOptions,
  type CompareOptions, type HookSpec, type SyncOptions,
} from './sync-options.ts';

/** A ConfigMap carrying these annotations. */
function annotated(annotations: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations } };
}

describe('parseSyncOptions', () => {
  // case | input (annotation string or syncOptions list) | expected options | expected unknown | expected error count
  const rows: [string, string | string[] | undefined, SyncOptions, string[], number][] = [
    ['absent', undefined, {}, [], 0],
    ['the brief\'s example annotation', 'Prune=false,ServerSideApply=true,Replace=true,CreateNamespace=true,Delete=false,SkipDryRunOnMissingResource=true',
      { prune: false, serverSideApply: true, replace: true, createNamespace: true, delete: false, skipDryRunOnMissingResource: true }, [], 0],
    ['spaces and empty entries', ' Prune=false , ,ServerSideApply=false ', { prune: false, serverSideApply: false }, [], 0],
    ['confirm values', 'Prune=confirm,Delete=confirm', { prune: 'confirm', delete: 'confirm' }, [], 0],
    ['app-level list', ['CreateNamespace=true', 'PruneLast=true', 'ApplyOutOfSyncOnly=true', 'PrunePropagationPolicy=orphan'],
      { createNamespace: true, pruneLast: true, applyOutOfSyncOnly: true, prunePropagationPolicy: 'orphan' }, [], 0],
    ['more booleans', ['Validate=false', 'Force=true', 'RespectIgnoreDifferences=true', 'FailOnSharedResource=true', 'ClientSideApplyMigration=false'],
      { validate: false, force: true, respectIgnoreDifferences: true, failOnSharedResource: true, clientSideApplyMigration: false }, [], 0],
    ['later entry wins', 'ServerSideApply=true,ServerSideApply=false', { serverSideApply: false }, [], 0],
    ['unknown option kept aside', 'Prune=false,Frobnicate=true', { prune: false }, ['Frobnicate=true'], 0],
    ['values are case-sensitive, as Argo CD compares them', 'Prune=False,ServerSideApply=TRUE', {}, [], 2],
    ['missing value', 'Replace', {}, [], 1],
    ['bad propagation policy', 'PrunePropagationPolicy=sometimes', {}, [], 1],
  ];
  for (const [name, input, options, unknown, errorCount] of rows) {
    it(name, () => {
      const parsed = parseSyncOptions(input);
      assert.deepEqual(parsed.options, options);
      assert.deepEqual(parsed.unknown, unknown);
      assert.equal(parsed.errors.length, errorCount, JSON.stringify(parsed.errors));
    });
  }
  it('resourceSyncOptions reads the annotation', () => {
    assert.deepEqual(resourceSyncOptions(annotated({ [SYNC_OPTIONS_ANNOTATION]: 'ServerSideApply=false,Replace=true' })), { serverSideApply: false, replace: true });
  });
});

describe('parseCompareOptions', () => {
  // case | annotation | expected options | expected unknown | expected error count
  const rows: [string, string | undefined, CompareOptions, string[], number][] = [
    ['absent', undefined, {}, [], 0],
    ['IgnoreExtraneous', 'IgnoreExtraneous', { ignoreExtraneous: true }, [], 0],
    ['all three', 'IgnoreExtraneous, ServerSideDiff=true,IncludeMutationWebhook=true',
      { ignoreExtraneous: true, serverSideDiff: true, includeMutationWebhook: true }, [], 0],
    ['ServerSideDiff=false', 'ServerSideDiff=false', { serverSideDiff: false }, [], 0],
    ['bad boolean', 'ServerSideDiff=yes', {}, [], 1],
    ['unknown', 'IgnoreEverything', {}, ['IgnoreEverything'], 0],
    ['IgnoreExtraneous takes no value', 'IgnoreExtraneous=true', {}, ['IgnoreExtraneous=true'], 0],
  ];
  for (const [name, input, options, unknown, errorCount] of rows) {
    it(name, () => {
      const parsed = parseCompareOptions(input);
      assert.deepEqual(parsed.options, options);
      assert.deepEqual(parsed.unknown, unknown);
      assert.equal(parsed.errors.length, errorCount);
    });
  }
  it('reads the annotation name Argo CD uses', () => assert.equal(COMPARE_OPTIONS_ANNOTATION, 'argocd.argoproj.io/compare-options'));
});

describe('parseSyncWave', () => {
  // case | annotations | expected wave (number) or error fragment (string)
  const rows: [string, Record<string, string>, number | string][] = [
    ['absent: 0', {}, 0],
    ['positive', { [SYNC_WAVE_ANNOTATION]: '5' }, 5],
    ['negative', { [SYNC_WAVE_ANNOTATION]: '-2' }, -2],
    ['explicit plus sign', { [SYNC_WAVE_ANNOTATION]: '+3' }, 3],
    ['surrounding spaces', { [SYNC_WAVE_ANNOTATION]: ' 7 ' }, 7],
    ['helm hook weight fallback', { 'helm.sh/hook-weight': '-4' }, -4],
    ['sync-wave wins over hook weight', { [SYNC_WAVE_ANNOTATION]: '1', 'helm.sh/hook-weight': '9' }, 1],
    ['bad hook weight: 0', { 'helm.sh/hook-weight': 'heavy' }, 0],
    ['not a number', { [SYNC_WAVE_ANNOTATION]: 'first' }, 'must be an integer'],
    ['fraction', { [SYNC_WAVE_ANNOTATION]: '1.5' }, 'must be an integer'],
    ['empty', { [SYNC_WAVE_ANNOTATION]: '' }, 'must be an integer'],
    ['beyond safe integers', { [SYNC_WAVE_ANNOTATION]: '99999999999999999999' }, 'must be an integer'],
  ];
  for (const [name, annotations, expected] of rows) {
    it(name, () => {
      const parsed = parseSyncWave(annotated(annotations));
      if (typeof expected === 'number') assert.deepEqual(parsed, { ok: true, value: expected });
      else assert.ok(!parsed.ok && parsed.error.includes(expected), JSON.stringify(parsed));
    });
  }
});

describe('parseHook', () => {
  // case | annotations | expected spec or error fragment (string)
  const rows: [string, Record<string, string>, HookSpec | string][] = [
    ['not a hook', {}, { types: [], deletePolicies: [] }],
    ['PreSync with default policy', { [HOOK_ANNOTATION]: 'PreSync' }, { types: ['PreSync'], deletePolicies: ['BeforeHookCreation'] }],
    ['several types and policies', { [HOOK_ANNOTATION]: 'PreSync, PostSync', [HOOK_DELETE_POLICY_ANNOTATION]: 'HookSucceeded,HookFailed' },
      { types: ['PreSync', 'PostSync'], deletePolicies: ['HookSucceeded', 'HookFailed'] }],
    ['Skip', { [HOOK_ANNOTATION]: 'Skip' }, { types: ['Skip'], deletePolicies: ['BeforeHookCreation'] }],
    ['SyncFail and PostDelete', { [HOOK_ANNOTATION]: 'SyncFail,PostDelete' }, { types: ['SyncFail', 'PostDelete'], deletePolicies: ['BeforeHookCreation'] }],
    ['repeated type once', { [HOOK_ANNOTATION]: 'Sync,Sync' }, { types: ['Sync'], deletePolicies: ['BeforeHookCreation'] }],
    ['unknown type', { [HOOK_ANNOTATION]: 'pre-install' }, 'unknown hook type "pre-install"'],
    ['unknown policy', { [HOOK_ANNOTATION]: 'PostSync', [HOOK_DELETE_POLICY_ANNOTATION]: 'Never' }, 'unknown policy "Never"'],
  ];
  for (const [name, annotations, expected] of rows) {
    it(name, () => {
      const parsed = parseHook(annotated(annotations));
      if (typeof expected === 'string') assert.ok(!parsed.ok && parsed.error.includes(expected), JSON.stringify(parsed));
      else assert.deepEqual(parsed, { ok: true, value: expected });
    });
  }
});
