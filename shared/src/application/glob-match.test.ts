// Argo CD's glob semantics as AppProject rules use them, one row per case.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { globMatch, matchesAny } from './glob-match.ts';

describe('globMatch', () => {
  // pattern | value | options | matches
  const rows: [string, string, Parameters<typeof globMatch>[2], boolean][] = [
    ['*', '', {}, true],
    ['*', 'anything/at/all', { separator: '/' }, true],
    ['team-a-*', 'team-a-web', {}, true],
    ['team-a-*', 'team-b-web', {}, false],
    ['', '', {}, true],
    ['', 'x', {}, false],
    ['https://git.example.com/team-a/*', 'https://git.example.com/team-a/web', { separator: '/' }, true],
    ['https://git.example.com/team-a/*', 'https://git.example.com/team-a/sub/web', { separator: '/' }, false],
    ['https://git.example.com/team-a/**', 'https://git.example.com/team-a/sub/web', { separator: '/' }, true],
    ['https://git.example.com/*', 'https://git.example.com/team-a/web', {}, true],
    ['web-?', 'web-1', {}, true],
    ['web-?', 'web-12', {}, false],
    ['web-[0-9]', 'web-7', {}, true],
    ['web-[!0-9]', 'web-7', {}, false],
    ['web-[!0-9]', 'web-x', {}, true],
    ['{prod,staging}-*', 'staging-eu', {}, true],
    ['{prod,staging}-*', 'dev-eu', {}, false],
    ['a.b', 'axb', {}, false],
    ['\\*', '*', {}, true],
    ['\\*', 'x', {}, false],
    ['[unclosed', '[unclosed', {}, false],
    ['!team-b', 'team-a', { negation: true }, true],
    ['!team-b', 'team-b', { negation: true }, false],
    ['!team-b-*', 'team-b-web', { negation: true }, false],
    ['!team-b', '!team-b', {}, true],
    ['{a,{b,c}}-x', 'c-x', {}, true],
    ['{a,b', '{a,b', {}, false],
    ['web-?', 'web-/', { separator: '/' }, false],
    ['[a-c]?', 'bé', {}, true],
  ];
  for (const [pattern, value, options, expected] of rows) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(value)}${options?.separator ? ` (separator ${options.separator})` : ''}${options?.negation ? ' (negation)' : ''}`, () => {
      assert.equal(globMatch(pattern, value, options), expected);
    });
  }
});

describe('matchesAny (globs and /regexp/ entries)', () => {
  // patterns | value | matches
  const rows: [string[], string, boolean][] = [
    [[], 'a', false],
    [['team-*'], 'team-a', true],
    [['/^team-[ab]$/'], 'team-b', true],
    [['/^team-[ab]$/'], 'team-c', false],
    [['/[/'], '[', false],
  ];
  for (const [patterns, value, expected] of rows) {
    it(`${JSON.stringify(patterns)} ${expected ? 'matches' : 'does not match'} ${value}`, () => assert.equal(matchesAny(patterns, value), expected));
  }
});

describe('glob matching time', () => {
  it('stays linear on patterns that make backtracking matchers exponential', () => {
    const started = performance.now();
    assert.equal(globMatch(`${'*a'.repeat(40)}*b`, 'a'.repeat(250)), false);
    assert.equal(globMatch('{a,b}'.repeat(9), 'ab'.repeat(4) + 'a'), false, 'more than 256 alternatives match nothing');
    assert.ok(performance.now() - started < 500, `took ${Math.round(performance.now() - started)} ms`);
  });
});
