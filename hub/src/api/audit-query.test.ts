// auditFilterOf: exact fields, times and durations, the paging key, and errors naming the parameter.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditFilterOf, type AuditQueryParams } from './audit-query.ts';

const NOW = new Date('2026-06-01T12:00:00Z');

describe('auditFilterOf', () => {
  const cases: { name: string; query: AuditQueryParams; expected: unknown }[] = [
    { name: 'nothing: the newest 100', query: {}, expected: { limit: 100 } },
    { name: 'exact fields, empty ones left out', query: { actor: 'alice', action: '', resource: 'applications', object: 'web', result: 'denied', limit: 5 }, expected: { limit: 5, actor: 'alice', resource: 'applications', object: 'web', result: 'denied' } },
    { name: 'RFC 3339 times', query: { since: '2026-05-31T00:00:00Z', until: '2026-06-01T01:00:00+01:00' }, expected: { limit: 100, since: new Date('2026-05-31T00:00:00Z'), until: new Date('2026-06-01T00:00:00Z') } },
    { name: 'durations back from now', query: { since: '7d', until: '1h30m' }, expected: { limit: 100, since: new Date('2026-05-25T12:00:00Z'), until: new Date('2026-06-01T10:30:00Z') } },
    { name: 'the paging key', query: { continue: '1234' }, expected: { limit: 100, before: 1234 } },
    { name: 'a time that is neither', query: { since: 'yesterday' }, expected: { error: 'since: "yesterday" is neither an RFC 3339 time (2026-01-31T12:00:00Z) nor a duration (90m, 24h, 7d)', path: 'querystring.since' } },
    { name: 'an impossible date', query: { until: '2026-13-45T00:00:00Z' }, expected: { error: 'until: "2026-13-45T00:00:00Z" is not a valid time', path: 'querystring.until' } },
    { name: 'since not before until', query: { since: '1h', until: '2h' }, expected: { error: 'since must be before until', path: 'querystring.since' } },
    { name: 'a forged paging key', query: { continue: "1 OR 1=1" }, expected: { error: 'continue: not a key this API gave: pass the continue of the previous page as it is', path: 'querystring.continue' } },
    { name: 'a paging key of 0', query: { continue: '0' }, expected: { error: 'continue: not a key this API gave: pass the continue of the previous page as it is', path: 'querystring.continue' } },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(auditFilterOf(c.query, NOW), c.expected));
  }
});
