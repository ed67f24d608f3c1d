// The CLI's pure output helpers: tables, key/value views, -o formats, and Argo CD-style columns.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { formatConditions, formatLabels, formatSyncPolicy, isOutputFormat, renderKeyValues, renderList, renderObject, renderTable, shortRevision, type Column } from './output.ts';
import { formatError, CliError } from './errors.ts';

describe('renderTable', () => {
  const cases: { name: string; headers: string[]; rows: string[][]; want: string }[] = [
    { name: 'upper-cases headers and aligns columns', headers: ['name', 'status'], rows: [['east', 'Unknown'], ['a-longer-name', 'Successful']], want: 'NAME           STATUS\neast           Unknown\na-longer-name  Successful\n' },
    { name: 'headers only for no rows', headers: ['repo', 'type'], rows: [], want: 'REPO  TYPE\n' },
    { name: 'trims trailing blanks of empty last cells', headers: ['a', 'b'], rows: [['x', '']], want: 'A  B\nx\n' },
    { name: 'keeps a cell on one line', headers: ['message'], rows: [['one\n  two']], want: 'MESSAGE\none two\n' },
    { name: 'a missing cell is empty', headers: ['a', 'b', 'c'], rows: [['1']], want: 'A  B  C\n1\n' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(renderTable(c.headers, c.rows), c.want));
});

describe('renderList', () => {
  type Row = { n: string; v: number };
  const columns: Column<Row>[] = [{ header: 'name', value: (r) => r.n }, { header: 'value', value: (r) => String(r.v), wide: true }];
  const items: Row[] = [{ n: 'a', v: 1 }];
  const cases: { format: 'table' | 'wide' | 'json' | 'yaml'; check: (out: string) => void }[] = [
    { format: 'table', check: (out) => assert.equal(out, 'NAME\na\n') },
    { format: 'wide', check: (out) => assert.equal(out, 'NAME  VALUE\na     1\n') },
    { format: 'json', check: (out) => assert.deepEqual(JSON.parse(out), items) },
    { format: 'yaml', check: (out) => assert.deepEqual(parse(out), items) },
  ];
  for (const c of cases) it(`-o ${c.format}`, () => c.check(renderList(items, columns, c.format)));

  it('pretty-prints JSON and YAML objects', () => {
    assert.equal(renderObject({ a: { b: 1 } }, 'json'), '{\n  "a": {\n    "b": 1\n  }\n}\n');
    assert.equal(renderObject({ a: { b: 1 } }, 'yaml'), 'a:\n  b: 1\n');
  });
});

describe('small formatters', () => {
  const cases: [string, () => unknown, unknown][] = [
    ['known output formats', () => ['wide', 'json', 'yaml', 'table', 'xml'].map(isOutputFormat), [true, true, true, true, false]],
    ['labels sorted', () => formatLabels({ tier: 'web', env: 'dev' }), 'env=dev,tier=web'],
    ['no labels', () => formatLabels({}), '<none>'],
    ['null labels', () => formatLabels(null), '<none>'],
    ['short SHA', () => shortRevision('6356badfc292b5e66d2aa1ea47fec3d9932802f7'), '6356bad'],
    ['branch kept', () => shortRevision('main'), 'main'],
    ['no revision', () => shortRevision(undefined), ''],
    ['manual sync policy', () => formatSyncPolicy(undefined), 'Manual'],
    ['automated', () => formatSyncPolicy({ automated: {} }), 'Auto'],
    ['automated with prune', () => formatSyncPolicy({ automated: { prune: true } }), 'Auto-Prune'],
    ['automated but disabled', () => formatSyncPolicy({ automated: { enabled: false, prune: true } }), 'Manual'],
    ['no conditions', () => formatConditions([]), '<none>'],
    ['conditions counted and sorted', () => formatConditions([{ type: 'SyncError' }, { type: 'ComparisonError' }, { type: 'SyncError' }]), 'ComparisonError,SyncError(2)'],
    ['key/values aligned, empty as <none>', () => renderKeyValues([['Name', 'east'], ['Server', '']]), 'Name:    east\nServer:  <none>\n'],
  ];
  for (const [name, run, want] of cases) it(name, () => assert.deepEqual(run(), want));
});

describe('formatError', () => {
  const cases: [string, unknown, string][] = [
    ['a plain error', new Error('boom'), 'error: boom\n'],
    ['issues listed once, under the message', new CliError('invalid Application: spec.a: unknown field; spec.b: missing', { issues: [{ path: 'spec.a', message: 'unknown field' }, { path: 'spec.b', message: 'missing' }] }),
      'error: invalid Application\n  spec.a: unknown field\n  spec.b: missing\n'],
    ['issues that are not in the message', new CliError('the current password is wrong', { issues: [{ path: 'body.currentPassword', message: 'does not match' }] }),
      'error: the current password is wrong\n  body.currentPassword: does not match\n'],
    ['an issue without a path', new CliError('x is not valid YAML', { issues: [{ path: '', message: 'YAML syntax error at line 2' }] }), 'error: x is not valid YAML\n  YAML syntax error at line 2\n'],
  ];
  for (const [name, error, want] of cases) it(name, () => assert.equal(formatError(error), want));
});
