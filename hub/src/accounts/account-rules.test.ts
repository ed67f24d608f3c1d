// Account names and capabilities. Rows: [input, expected].
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accountNameProblem, canHoldTokens, canLogin, normalizeCapabilities, TOKEN_ID } from './account-rules.ts';

describe('accountNameProblem', () => {
  const cases: [string, boolean][] = [
    ['admin', true], ['ci-bot', true], ['a', true], ['team.a_ci', true], ['x'.repeat(63), true],
    ['', false], ['Admin', false], ['-ci', false], ['ci-', false], ['proj:a:b', false], ['a b', false], ['x'.repeat(64), false], ['ä', false],
  ];
  for (const [name, ok] of cases) it(`${JSON.stringify(name)} ${ok ? 'is' : 'is not'} a name`, () => assert.equal(accountNameProblem(name) === undefined, ok));
});

describe('normalizeCapabilities', () => {
  const cases: [string[], string[] | string][] = [
    [[], []],
    [['login'], ['login']],
    [['apiKey', 'login'], ['login', 'apiKey']],
    [['apiKey', 'apiKey'], ['apiKey']],
    [['apikey'], 'unknown capability "apikey"'],
    [['login', 'sso', 'x'], 'unknown capability "sso", "x"'],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      const result = normalizeCapabilities(input);
      if (Array.isArray(expected)) assert.deepEqual(result, { capabilities: expected });
      else assert.ok('error' in result && result.error.startsWith(expected), JSON.stringify(result));
    });
  }
});

describe('what capabilities permit', () => {
  const cases: [string[], boolean, boolean][] = [[[], false, false], [['login'], true, false], [['apiKey'], false, true], [['login', 'apiKey'], true, true]];
  for (const [caps, login, tokens] of cases) {
    it(`${JSON.stringify(caps)}: login ${login}, tokens ${tokens}`, () => {
      assert.equal(canLogin(caps), login);
      assert.equal(canHoldTokens(caps), tokens);
    });
  }
  it('token ids', () => {
    for (const id of ['ci', 'release-2026.12', 'a_b']) assert.ok(TOKEN_ID.test(id), id);
    for (const id of ['', '-x', 'a b', 'x'.repeat(129), 'a/b']) assert.ok(!TOKEN_ID.test(id), id);
  });
});
