import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, classifyFailure, durationMs, retryAfterFailure, runRetryStrategy, type FailureClass, type RetryStrategy } from './retry.ts';

describe('classifyFailure', () => {
  // message (as the API server or the engine words it) | class
  const rows: [string, FailureClass][] = [
    ['no matches for kind "Widget" in version "example.com/v1"', 'waiting'],
    ['namespaces "payments" not found', 'waiting'],
    // The agent's own words when discovery has no such kind (kube.ts), e.g. a CR whose CRD comes later.
    ['apply Widget/shop/gadget: the server does not serve Widget in example.com/v1', 'waiting'],
    ['Widget (example.com/v1): the server does not serve this kind', 'waiting'],
    ['Internal error occurred: failed calling webhook "validate.example.com": connection refused', 'waiting'],
    ['Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value', 'stalled'],
    ['422 Unprocessable Entity', 'stalled'],
    ['Job.batch "migrate" is invalid: spec.template: field is immutable', 'stalled'],
    ['configmaps "c" is forbidden: exceeded quota', 'stalled'],
    ['Operation cannot be fulfilled on deployments.apps "web": the object has been modified', 'retryable'],
    ['the server was unable to return a response in the time allotted (timeout)', 'retryable'],
    ['503 Service Unavailable', 'retryable'],
    ['something nobody foresaw', 'retryable'],
  ];
  for (const [message, kind] of rows) it(`${message} → ${kind}`, () => assert.equal(classifyFailure(message), kind));
});

describe('durationMs', () => {
  const rows: [string | undefined, number | undefined][] = [
    ['5s', 5000], ['3m', 180_000], ['1h30m', 5_400_000], ['500ms', 500], ['1.5s', 1500],
    [undefined, undefined], ['5 seconds', undefined], ['', undefined], ['5x', undefined],
  ];
  for (const [text, ms] of rows) it(`${JSON.stringify(text)} → ${ms}`, () => assert.equal(durationMs(text), ms));
});

describe('backoffMs', () => {
  // strategy | attempt | ms
  const rows: [Parameters<typeof backoffMs>[0], number, number][] = [
    [{ limit: 5 }, 1, 5000],
    [{ limit: 5 }, 2, 10_000],
    [{ limit: 5 }, 3, 20_000],
    [{ limit: 5 }, 10, 180_000],
    [{ limit: 5, backoff: { duration: '1s', factor: 3, maxDuration: '10s' } }, 1, 1000],
    [{ limit: 5, backoff: { duration: '1s', factor: 3, maxDuration: '10s' } }, 2, 3000],
    [{ limit: 5, backoff: { duration: '1s', factor: 3, maxDuration: '10s' } }, 4, 10_000],
  ];
  for (const [strategy, attempt, ms] of rows) it(`${JSON.stringify(strategy)} attempt ${attempt} → ${ms} ms`, () => assert.equal(backoffMs(strategy, attempt), ms));
});

describe('retryAfterFailure', () => {
  const transient = 'no matches for kind "Widget" in version "example.com/v1"';
  // strategy | failed attempt | failure | retried after ms (or false) | message part
  const rows: [Parameters<typeof retryAfterFailure>[0], number, string, number | false, RegExp][] = [
    [undefined, 0, transient, false, /^no matches/],
    [{}, 0, transient, false, /^no matches/],
    [{ limit: 0 }, 0, transient, false, /^no matches/],
    [{ limit: 2 }, 0, transient, 5000, /retrying in 5 s \(attempt 1\/2, waiting\)/],
    [{ limit: 2 }, 1, transient, 10_000, /attempt 2\/2/],
    [{ limit: 2 }, 2, transient, false, /retry limit of 2 reached/],
    [{ limit: -1 }, 40, transient, 180_000, /attempt 41, waiting/],
    [{ limit: 5 }, 0, 'Deployment.apps "web" is invalid: spec.replicas: Invalid value', false, /not retried: the manifests must change/],
  ];
  for (const [strategy, attempt, failure, after, message] of rows) {
    it(`${JSON.stringify(strategy)}, attempt ${attempt} → ${after}`, () => {
      const answer = retryAfterFailure(strategy, attempt, failure);
      assert.equal(answer.retry ? answer.afterMs : false, after);
      assert.match(answer.message, message);
    });
  }
});

describe('runRetryStrategy', () => {
  const policy = { retry: { limit: 5, backoff: { duration: '10s' } } };
  // the run's own retry | the application's syncPolicy | the strategy used
  const rows: [RetryStrategy | undefined, unknown, RetryStrategy | undefined][] = [
    [undefined, undefined, undefined],
    [undefined, {}, undefined],
    [undefined, policy, policy.retry],
    // `app sync --retry-limit 2`: the sync's own strategy wins over the policy's, whole (not merged).
    [{ limit: 2 }, policy, { limit: 2 }],
    [{ limit: 1, backoff: { duration: '1s', factor: 3, maxDuration: '1m' } }, undefined, { limit: 1, backoff: { duration: '1s', factor: 3, maxDuration: '1m' } }],
    // An explicit limit 0 on the sync turns the policy's retries off for this run.
    [{ limit: 0 }, policy, { limit: 0 }],
  ];
  for (const [own, syncPolicy, want] of rows) {
    it(`${JSON.stringify(own)} over ${JSON.stringify(syncPolicy)}`, () => assert.deepEqual(runRetryStrategy(own ? { retry: own } : {}, syncPolicy), want));
  }
  it('a sync with its own retry is retried although the policy has none', () => {
    const answer = retryAfterFailure(runRetryStrategy({ retry: { limit: 1, backoff: { duration: '2s' } } }, {}), 0, 'the object has been modified');
    assert.deepEqual(answer.retry && answer.afterMs, 2000);
  });
});
