// Policy pattern matching: Argo CD's globs (no separators: `*` spans `/`) and anchored regexes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { patternMatcher } from './glob.ts';

describe('policy patterns', () => {
  // mode | pattern | value | matches
  const cases: ['glob' | 'regex', string, string, boolean][] = [
    ['glob', '*', 'anything/at/all', true],
    ['glob', '*/*', 'team-a/web', true],
    ['glob', 'team-a/*', 'team-a/web', true],
    ['glob', 'team-a/*', 'team-b/web', false],
    ['glob', 'team-a/*', 'team-a', false],
    ['glob', 'team-a/web-*', 'team-a/web-1', true],
    ['glob', 'team-a/web-*', 'team-a/api-1', false],
    ['glob', '*-prod/*', 'team-a-prod/web', true],
    ['glob', 'team-?/*', 'team-b/web', true],
    ['glob', 'team-{a,b}/*', 'team-b/web', true],
    ['glob', 'team-{a,b}/*', 'team-c/web', false],
    ['glob', 'team-[ab]/*', 'team-a/x', true],
    ['glob', 'team-[!ab]/*', 'team-a/x', false],
    ['glob', 'action/*', 'action/apps/Deployment/restart', true],
    ['glob', 'a.b', 'axb', false],
    ['glob', 'get', 'get', true],
    ['glob', 'get', 'getx', false],
    ['glob', '(x)', '(x)', true],
    ['regex', 'team-(a|b)/.*', 'team-a/web', true],
    ['regex', 'team-a', 'team-a/web', false],
    ['regex', '[', '[', false],
  ];
  for (const [mode, pattern, value, expected] of cases) {
    it(`${mode} ${pattern} ${expected ? 'matches' : 'does not match'} ${value}`, () => {
      assert.equal(patternMatcher(mode)(value, pattern), expected);
    });
  }
});
