// Which manifests are PostDelete hooks (the hub's question before a deletion without cascade), one row per case.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasPostDeleteHooks, namesPostDeleteHook } from './post-delete-hooks.ts';

const withAnnotations = (annotations: unknown) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'h', annotations } });

describe('namesPostDeleteHook', () => {
  // object | names PostDelete
  const rows: [string, unknown, boolean][] = [
    ['argocd PostDelete', withAnnotations({ 'argocd.argoproj.io/hook': 'PostDelete' }), true],
    ['argocd list with PostDelete', withAnnotations({ 'argocd.argoproj.io/hook': 'PreSync, PostDelete' }), true],
    ['argocd PostSync only', withAnnotations({ 'argocd.argoproj.io/hook': 'PostSync' }), false],
    ['argocd lower case is not PostDelete', withAnnotations({ 'argocd.argoproj.io/hook': 'postdelete' }), false],
    ['argocd prefix is not PostDelete', withAnnotations({ 'argocd.argoproj.io/hook': 'PostDeleteX' }), false],
    ['helm post-delete', withAnnotations({ 'helm.sh/hook': 'post-delete' }), true],
    ['helm list with post-delete', withAnnotations({ 'helm.sh/hook': 'pre-install,post-delete' }), true],
    ['helm pre-delete', withAnnotations({ 'helm.sh/hook': 'pre-delete' }), false],
    ['helm PostDelete spelling is not Helm', withAnnotations({ 'helm.sh/hook': 'PostDelete' }), false],
    ['either annotation suffices', withAnnotations({ 'argocd.argoproj.io/hook': 'Sync', 'helm.sh/hook': 'post-delete' }), true],
    ['other annotations', withAnnotations({ 'argocd.argoproj.io/sync-wave': '1' }), false],
    ['no annotations', { kind: 'ConfigMap', metadata: { name: 'c' } }, false],
    ['annotation not a string', withAnnotations({ 'argocd.argoproj.io/hook': ['PostDelete'] }), false],
    ['annotations not an object', withAnnotations('PostDelete'), false],
    ['no metadata', { kind: 'ConfigMap' }, false],
    ['null', null, false],
  ];
  for (const [name, obj, expected] of rows) {
    it(`${name}: ${expected ? 'a PostDelete hook' : 'not one'}`, () => assert.equal(namesPostDeleteHook(obj), expected));
  }
});

describe('hasPostDeleteHooks', () => {
  it('answers whether any manifest is one', () => {
    assert.equal(hasPostDeleteHooks([]), false);
    assert.equal(hasPostDeleteHooks([withAnnotations({})]), false);
    assert.equal(hasPostDeleteHooks([withAnnotations({}), withAnnotations({ 'helm.sh/hook': 'post-delete' })]), true);
  });
});
