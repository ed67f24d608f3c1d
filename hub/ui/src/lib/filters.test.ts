// Tables: URL query ↔ filters (round trip, defaults, bad values), a change resets paging, the API query.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_FILTERS, apiListQuery, filtersFromQuery, isFiltered, queryFromFilters, withFilter, type AppFilters } from './filters.ts';

const f = (over: Partial<AppFilters>): AppFilters => ({ ...EMPTY_FILTERS, ...over });

describe('filtersFromQuery / queryFromFilters', () => {
  // query in, filters, canonical query out
  const rows: [string, AppFilters, string][] = [
    ['', EMPTY_FILTERS, ''],
    ['?view=table', EMPTY_FILTERS, ''],
    ['?view=cards', f({ view: 'cards' }), '?view=cards'],
    ['?view=bogus', EMPTY_FILTERS, ''],
    ['?project=team-a&cluster=edge-1', f({ project: 'team-a', cluster: 'edge-1' }), '?project=team-a&cluster=edge-1'],
    ['?cluster=edge-1&project=team-a', f({ project: 'team-a', cluster: 'edge-1' }), '?project=team-a&cluster=edge-1'],
    ['?sync=OutOfSync&health=Degraded', f({ sync: 'OutOfSync', health: 'Degraded' }), '?sync=OutOfSync&health=Degraded'],
    ['?sync=outofsync&health=Broken', EMPTY_FILTERS, ''],
    ['?selector=env%3Dprod%2Ctier!%3Ddb', f({ selector: 'env=prod,tier!=db' }), '?selector=env%3Dprod%2Ctier%21%3Ddb'],
    ['?search=%20web%20', f({ search: 'web' }), '?search=web'],
    ['?namespace=prod&continue=abc%3D', f({ namespace: 'prod', continue: 'abc=' }), '?namespace=prod&continue=abc%3D'],
    ['?unknown=1&project=', EMPTY_FILTERS, ''],
  ];
  for (const [query, filters, canonical] of rows) {
    it(`${query || '(empty)'}`, () => {
      assert.deepEqual(filtersFromQuery(query), filters);
      assert.equal(queryFromFilters(filters), canonical);
      assert.deepEqual(filtersFromQuery(canonical), filters);
    });
  }
});

describe('withFilter', () => {
  it('goes back to the first page when what is listed changes', () => {
    assert.deepEqual(withFilter(f({ continue: 'tok', project: 'a' }), 'health', 'Healthy'), f({ project: 'a', health: 'Healthy' }));
  });
  it('keeps the page when only the view changes', () => {
    assert.deepEqual(withFilter(f({ continue: 'tok' }), 'view', 'cards'), f({ continue: 'tok', view: 'cards' }));
  });
});

describe('apiListQuery', () => {
  const rows: [AppFilters, number, Record<string, string>, string][] = [
    [EMPTY_FILTERS, 100, {}, '?limit=100'],
    [f({ view: 'cards', project: 'a', search: 'web' }), 50, {}, '?project=a&search=web&limit=50'],
    [f({ continue: 'tok' }), 100, {}, '?limit=100&continue=tok'],
    // counts: the page's filters with one field replaced, always from the first page
    [f({ continue: 'tok', sync: 'Synced', cluster: 'c' }), 1, { sync: 'OutOfSync' }, '?cluster=c&sync=OutOfSync&limit=1'],
  ];
  for (const [filters, limit, overrides, expected] of rows) it(expected, () => assert.equal(apiListQuery(filters, limit, overrides), expected));
});

describe('isFiltered', () => {
  it('ignores the view and the page', () => assert.equal(isFiltered(f({ view: 'cards', continue: 'x' })), false));
  it('sees a label selector', () => assert.equal(isFiltered(f({ selector: 'a=b' })), true));
});
