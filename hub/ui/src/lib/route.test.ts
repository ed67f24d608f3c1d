// Table: path → route; and where a login may return to.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applicationPath, matchRoute, safeReturnTo, type Route } from './route.ts';

describe('matchRoute', () => {
  const rows: [string, Route][] = [
    ['/', { page: 'applications' }],
    ['/applications', { page: 'applications' }],
    ['/applications/', { page: 'applications' }],
    ['/applications/web', { page: 'application', name: 'web' }],
    ['/applications/a%20b', { page: 'application', name: 'a b' }],
    ['/applications/web/history', { page: 'history', name: 'web' }],
    ['/applications/web/other', { page: 'not-found', path: '/applications/web/other' }],
    ['/applications/%E0%A4%A', { page: 'not-found', path: '/applications/%E0%A4%A' }],
    ['/fleet', { page: 'fleet' }],
    ['/clusters', { page: 'clusters' }],
    ['/clusters/edge-1', { page: 'cluster', name: 'edge-1' }],
    ['/clusters/edge-1/x', { page: 'not-found', path: '/clusters/edge-1/x' }],
    ['/repositories', { page: 'repositories' }],
    ['/projects', { page: 'projects' }],
    ['/user', { page: 'user' }],
    ['/login', { page: 'login' }],
    ['/login/x', { page: 'not-found', path: '/login/x' }],
    ['/nowhere', { page: 'not-found', path: '/nowhere' }],
    ['/a/b/c/d', { page: 'not-found', path: '/a/b/c/d' }],
  ];
  for (const [path, route] of rows) it(`${path} → ${route.page}`, () => assert.deepEqual(matchRoute(path), route));
  it('round-trips an application name with slashes and spaces', () => {
    assert.deepEqual(matchRoute(applicationPath('a/b c')), { page: 'application', name: 'a/b c' });
    assert.deepEqual(matchRoute(applicationPath('a/b c', true)), { page: 'history', name: 'a/b c' });
  });
});

describe('safeReturnTo', () => {
  const rows: [string | null, string][] = [
    [null, '/applications'],
    ['', '/applications'],
    ['/applications/web?tab=diff', '/applications/web?tab=diff'],
    ['/fleet?project=a', '/fleet?project=a'],
    ['//evil.example/x', '/applications'],
    ['/\\evil.example', '/applications'],
    ['https://evil.example/', '/applications'],
    ['javascript:alert(1)', '/applications'],
    ['/login?return_to=/x', '/applications'],
  ];
  for (const [value, expected] of rows) it(`${String(value)} → ${expected}`, () => assert.equal(safeReturnTo(value), expected));
});
