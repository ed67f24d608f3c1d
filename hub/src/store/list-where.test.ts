// The SQL of list filters, as text (test/hub/list-filters.test.ts runs the same conditions in
// PostgreSQL against rbac/glob.ts and matchesSelector).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SqlParams, containsPattern, globToPostgresRegex, rbacSql, selectorSql } from './list-where.ts';
import { parseSelector } from '../api/list-selector.ts';

describe('globToPostgresRegex', () => {
  // glob | regex | exact
  const cases: [string, string, boolean][] = [
    ['*', '^.*$', true],
    ['team-a/*', '^team\\-a\\/.*$', true],
    ['team-?/web', '^team\\-.\\/web$', true],
    ['{a,b}/*', '^(?:a|b)\\/.*$', true],
    ['{a,b', '^(?:a|b)$', true],
    ['a}b,c', '^a\\}b\\,c$', true],
    ['[ab]/x', '^[ab]\\/x$', true],
    ['[!ab]/x', '^[^ab]\\/x$', true],
    ['[a-c]/x', '^[a-c]\\/x$', true],
    ['[a\\b]/x', '^.\\/x$', false],
    ['[]/x', '^.\\/x$', false],
    ['[-a]/x', '^.\\/x$', false],
    ['p/[^]', '^p\\/.$', false],
    ['p/[z-a]', '^p\\/.$', false],
    ['p/[a-c0-9]', '^p\\/[a-c0-9]$', true],
    ['a[b', '^a\\[b$', true],
    ['a.b+c$', '^a\\.b\\+c\\$$', true],
  ];
  for (const [glob, regex, exact] of cases) {
    it(`${glob} → ${regex}${exact ? '' : ' (widened)'}`, () => assert.deepEqual(globToPostgresRegex(glob), { regex, exact }));
  }
});

describe('rbacSql', () => {
  const app = { object: "(a.project || '/' || a.name)", project: 'a.project', name: 'a.name' };
  const cluster = { object: 'c.name' };
  // title | allow | deny | columns | sql | params | exact
  const cases: [string, string[], string[], typeof app | typeof cluster, string, unknown[], boolean][] = [
    ['nothing allowed', [], [], app, 'FALSE', [], true],
    ['admin', ['*'], [], app, 'TRUE', [], true],
    ['every project', ['*/*'], [], app, 'TRUE', [], true],
    ['*/* is not everything for clusters', ['*/*'], [], cluster, 'c.name ~ ANY($1::text[])', [['^.*\\/.*$']], true],
    ['one project', ['team-a/*'], [], app, 'a.project = ANY($1::text[])', [['team-a']], true],
    ['two projects and one app', ['team-a/*', 'team-b/*', 'team-c/web'], [], app,
      '(a.project = ANY($3::text[]) OR (a.project = $1 AND a.name = $2))', ['team-c', 'web', ['team-a', 'team-b']], true],
    ['a glob', ['team-*/web-*'], [], app, "(a.project || '/' || a.name) ~ ANY($1::text[])", [['^team\\-.*\\/web\\-.*$']], true],
    ['a deny', ['team-a/*'], ['team-a/prod-*'], app, "a.project = ANY($1::text[]) AND NOT ((a.project || '/' || a.name) ~ ANY($2::text[]))", [['team-a'], ['^team\\-a\\/prod\\-.*$']], true],
    ['a widened deny is left to the enforcer', ['team-a/*'], ['team-a/[x\\y]'], app, 'a.project = ANY($1::text[])', [['team-a']], false],
  ];
  for (const [title, allow, deny, columns, sql, params, exact] of cases) {
    it(title, () => {
      const p = new SqlParams();
      const condition = rbacSql({ allow, deny, matchMode: 'glob' }, columns, p);
      assert.equal(condition.sql, sql);
      assert.deepEqual(p.values, params);
      assert.equal(condition.exact, exact);
      assert.equal(condition.none, allow.length === 0);
    });
  }

  it('leaves regex mode to the enforcer (no SQL, not exact)', () => {
    const condition = rbacSql({ allow: ['team-a/.*'], deny: [], matchMode: 'regex' }, app, new SqlParams());
    assert.deepEqual(condition, { sql: 'TRUE', exact: false, none: false });
  });
});

describe('selectorSql', () => {
  const L = 'l';
  // selector | sql | params
  const cases: [string, string, unknown[]][] = [
    ['', 'TRUE', []],
    ['env=prod', 'l @> $1::jsonb', ['{"env":"prod"}']],
    ['env!=prod', 'NOT (l @> $1::jsonb)', ['{"env":"prod"}']],
    ['tier,!legacy', 'l ? $1 AND NOT (l ? $2)', ['tier', 'legacy']],
    ['env in (a,b)', 'l->>$1 = ANY($2::text[])', ['env', ['a', 'b']]],
    ['env notin (a)', '(l->>$1 IS NULL OR NOT (l->>$1 = ANY($2::text[])))', ['env', ['a']]],
  ];
  for (const [text, sql, params] of cases) {
    it(`${JSON.stringify(text)} → ${sql}`, () => {
      const parsed = parseSelector(text);
      assert.ok('requirements' in parsed);
      const p = new SqlParams();
      assert.equal(selectorSql(parsed.requirements, L, p), sql);
      assert.deepEqual(p.values, params);
    });
  }
});

describe('containsPattern', () => {
  for (const [text, pattern] of [['web', '%web%'], ['50%_off', '%50\\%\\_off%'], ['a\\b', '%a\\\\b%']] as const) {
    it(`${text} → ${pattern}`, () => assert.equal(containsPattern(text), pattern));
  }
});
