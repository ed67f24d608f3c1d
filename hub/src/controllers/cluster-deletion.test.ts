// Table tests for cluster-deletion.ts: with or without cascade, with or without PostDelete hooks,
// an agent with or without the feature, and a deletion already in progress.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clusterDeletion, needsHookFacts, type DeletionOutcome, type DeletionRequest } from './cluster-deletion.ts';

const base: DeletionRequest = { current: null, cascade: false, hasHooks: true, agentRunsHooks: true };

describe('clusterDeletion', () => {
  // case | request | outcome (a drop's reason as a pattern)
  const rows: [string, Partial<DeletionRequest>, DeletionOutcome | RegExp][] = [
    ['without cascade, hooks, an agent that runs them: the agent runs them', {}, { deletion: { cascade: false } }],
    ['without cascade, no hooks: dropped at once', { hasHooks: false }, /no PostDelete hooks/],
    ['without cascade, an older agent: dropped at once (it would delete the resources)', { agentRunsHooks: false }, /does not run PostDelete hooks/],
    ['without cascade, neither: dropped at once', { hasHooks: false, agentRunsHooks: false }, /no PostDelete hooks/],
    ['without cascade while a cascade deletion runs: let go at once', { current: { cascade: true, propagationPolicy: 'foreground' } }, /already being deleted/],
    ['without cascade while one without cascade runs: let go at once', { current: { cascade: false } }, /already being deleted/],
    ['cascade: foreground by default', { cascade: true }, { deletion: { cascade: true, propagationPolicy: 'foreground' } }],
    ['cascade, background, confirmed', { cascade: true, propagationPolicy: 'background', confirmed: true }, { deletion: { cascade: true, propagationPolicy: 'background', confirmed: true } }],
    ['cascade again: keeps the policy and the confirmation given before', { cascade: true, current: { cascade: true, propagationPolicy: 'background', confirmed: true } }, { deletion: { cascade: true, propagationPolicy: 'background', confirmed: true } }],
    ['cascade again with a confirmation', { cascade: true, confirmed: true, current: { cascade: true, propagationPolicy: 'foreground' } }, { deletion: { cascade: true, propagationPolicy: 'foreground', confirmed: true } }],
    ['cascade while one without cascade runs: it keeps its cascade', { cascade: true, confirmed: true, current: { cascade: false } }, { deletion: { cascade: false } }],
    ['cascade does not depend on hooks or the agent', { cascade: true, hasHooks: false, agentRunsHooks: false }, { deletion: { cascade: true, propagationPolicy: 'foreground' } }],
  ];
  for (const [name, request, expected] of rows) {
    it(name, () => {
      const outcome = clusterDeletion({ ...base, ...request });
      if (expected instanceof RegExp) {
        assert.ok('drop' in outcome, JSON.stringify(outcome));
        assert.match(outcome.reason, expected);
      } else {
        assert.deepEqual(outcome, expected);
      }
    });
  }
});

describe('needsHookFacts', () => {
  // current | cascade | needed
  const rows: [DeletionRequest['current'], boolean, boolean][] = [
    [null, false, true],
    [null, true, false],
    [{ cascade: true }, false, false],
    [{ cascade: false }, false, false],
    [{ cascade: false }, true, false],
  ];
  for (const [current, cascade, expected] of rows) {
    it(`${JSON.stringify(current)}, cascade ${cascade}: ${expected ? 'reads' : 'does not read'} the facts`, () => assert.equal(needsHookFacts(current, cascade), expected));
  }
  it('agrees with clusterDeletion: where the facts are not read, they do not change the answer', () => {
    for (const [current, cascade] of rows) {
      if (needsHookFacts(current, cascade)) continue;
      const outcomes = [true, false].flatMap((hasHooks) => [true, false].map((agentRunsHooks) => JSON.stringify(clusterDeletion({ current, cascade, hasHooks, agentRunsHooks }))));
      assert.equal(new Set(outcomes).size, 1, outcomes.join(' | '));
    }
  });
});
