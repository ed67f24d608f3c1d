// The SQL of list filters (store/list-where.ts) run in the hub's real PostgreSQL against the pure
// deciders it stands in for: every RBAC glob matches in SQL exactly the objects rbac/glob.ts
// matches (a widened one at least those), a whole allow/deny policy keeps in SQL exactly what the
// enforcer's list predicate keeps, and every selector matches the label sets matchesSelector does.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { globToRegExp } from '../../hub/src/rbac/glob.ts';
import { objectFilter } from '../../hub/src/rbac/list-filter.ts';
import { patternMatcher } from '../../hub/src/rbac/glob.ts';
import type { PolicyRule } from '../../hub/src/rbac/policy.ts';
import { SqlParams, globToPostgresRegex, rbacSql, selectorSql } from '../../hub/src/store/list-where.ts';
import { matchesSelector, parseSelector } from '../../hub/src/api/list-selector.ts';

const OBJECTS = [
  'team-a/web', 'team-a/web-prod', 'team-a/api', 'team-ab/web', 'team-b/web', 'team-b/prod-db', 'default/x', 'a/b',
  'team-a/a.b', 'team-a/a-b', 'team-c/web-1', 'team-c/web-22', 'prod/web', 'x.y/z', 'team-a/[x]',
];
const GLOBS = [
  '*', '*/*', 'team-a/*', 'team-a*', 'team-?/web', 'team-a/web-*', '{team-a,team-b}/web', 'team-{a,b}/*', '*/prod-*', 'team-[ab]/web', 'team-[!a]/*',
  'team-[a-b]/*', 'team-a/a.b', 'team-c/web-?', 'team-c/web-??', '*/web', 'a/b', 'x.y/*', 'team-a/[x]', 'team-a/\\[x]', 'team-{a,b', '[]/x', 'team-[-a]/*', '*web*', 'team-a/[^]',
];

describe('list filters in PostgreSQL', () => {
  let t: TestHub;
  before(async () => {
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
  });
  after(async () => {
    await t?.stop(true);
  });

  it('matches each RBAC glob in SQL as rbac/glob.ts does (a widened one: at least as much)', async () => {
    const problems: string[] = [];
    for (const glob of GLOBS) {
      const { regex, exact } = globToPostgresRegex(glob);
      const rows = (await t.hub.ctx.pool.query<{ o: string; m: boolean }>('SELECT o, o ~ $1 AS m FROM unnest($2::text[]) o', [regex, OBJECTS])).rows;
      for (const { o, m } of rows) {
        const js = globToRegExp(glob).test(o);
        if (exact ? m !== js : js && !m) problems.push(`${glob} on ${o}: glob.ts ${js}, SQL ${m} (${regex})`);
      }
    }
    assert.deepEqual(problems, []);
  });

  // allow | deny
  const policies: [string[], string[]][] = [
    [['*'], []],
    [['team-a/*'], []],
    [['team-a/*', 'team-b/web'], []],
    [['team-a/*'], ['team-a/web-*']],
    [['*/*'], ['team-b/*', '*/prod-*']],
    [['team-{a,c}/*', 'prod/*'], ['*/web']],
    [['team-[ab]/*'], ['team-a/[x]']],
    [[], []],
  ];
  for (const [allow, deny] of policies) {
    it(`keeps in SQL what the enforcer keeps: allow ${allow.join(' ') || 'nothing'}${deny.length ? `, deny ${deny.join(' ')}` : ''}`, async () => {
      const rules: PolicyRule[] = [
        ...allow.map((object, line) => ({ kind: 'p' as const, subject: 'u', resource: 'applications', action: 'get', object, effect: 'allow' as const, line })),
        ...deny.map((object, line) => ({ kind: 'p' as const, subject: 'u', resource: 'applications', action: 'get', object, effect: 'deny' as const, line })),
      ];
      const expected = OBJECTS.filter(objectFilter(rules, patternMatcher('glob'), ['u'], 'applications', 'get')).sort();
      const p = new SqlParams();
      const condition = rbacSql({ allow, deny, matchMode: 'glob' }, { object: "(t.project || '/' || t.name)", project: 't.project', name: 't.name' }, p);
      const objects = p.add(OBJECTS);
      const rows = (await t.hub.ctx.pool.query<{ o: string }>(
        `SELECT t.project || '/' || t.name AS o FROM (SELECT split_part(x, '/', 1) AS project, substr(x, strpos(x, '/') + 1) AS name FROM unnest(${objects}::text[]) x) t WHERE ${condition.sql} ORDER BY 1`,
        p.values,
      )).rows.map((r) => r.o);
      if (condition.exact) assert.deepEqual(rows.sort(), expected);
      else for (const o of expected) assert.ok(rows.includes(o), `${o} kept by a widened condition`);
    });
  }

  const LABELS: Record<string, string>[] = [{}, { env: 'prod' }, { env: 'dev', tier: 'web' }, { env: '' }, { tier: 'db' }, { 'app.kubernetes.io/part-of': 'shop', env: 'staging' }];
  const SELECTORS = ['', 'env', '!env', 'env=prod', 'env!=prod', 'env=', 'env in (dev,staging)', 'env notin (dev)', 'tier,env!=dev', 'app.kubernetes.io/part-of=shop', 'env in (prod),!tier', 'tier notin (web,db)'];
  it('matches each label selector in SQL as matchesSelector does', async () => {
    const problems: string[] = [];
    for (const text of SELECTORS) {
      const parsed = parseSelector(text);
      assert.ok('requirements' in parsed, text);
      const p = new SqlParams();
      const sql = selectorSql(parsed.requirements, 'l', p);
      const sets = p.add(JSON.stringify(LABELS));
      const rows = (await t.hub.ctx.pool.query<{ i: string }>(`SELECT i FROM jsonb_array_elements(${sets}::jsonb) WITH ORDINALITY AS x(l, i) WHERE ${sql} ORDER BY i`, p.values)).rows.map((r) => Number(r.i) - 1);
      const expected = LABELS.flatMap((labels, i) => (matchesSelector(labels, parsed.requirements) ? [i] : []));
      if (JSON.stringify(rows) !== JSON.stringify(expected)) problems.push(`${text}: SQL ${rows}, matchesSelector ${expected}`);
    }
    assert.deepEqual(problems, []);
  });
});
