// Table: can-i answer → the disabled control's title; the can-i path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canIPath, notAllowedTitle, type CanI } from './permission.ts';

describe('notAllowedTitle', () => {
  const rows: [CanI | undefined, string | undefined][] = [
    [undefined, undefined],
    [{ allowed: true }, undefined],
    [{ allowed: false }, 'Not allowed: applications sync on team-a/web'],
    [{ allowed: false, reason: 'no rule allows it' }, 'Not allowed: applications sync on team-a/web (no rule allows it)'],
  ];
  for (const [answer, expected] of rows) it(String(expected), () => assert.equal(notAllowedTitle('applications', 'sync', 'team-a/web', answer), expected));
});

describe('canIPath', () => {
  it('keeps the object\'s slash and encodes the rest', () => assert.equal(canIPath('applications', 'sync', 'team a/web#1'), '/api/v1/account/can-i/applications/sync/team%20a/web%231'));
  it('a repository URL as the object', () => assert.equal(canIPath('repositories', 'create', '*'), '/api/v1/account/can-i/repositories/create/*'));
});
