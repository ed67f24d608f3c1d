// cliLoginOf: columns are the query given and the CLI login expected (or the error it is refused with).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cliCallbackUrl, cliLoginOf } from './cli-login.ts';

const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const state = 'abcdefghijklmnop';
const cases: Array<[string, Record<string, unknown>, object | undefined | RegExp]> = [
  ['a browser login', {}, undefined],
  ['a CLI login', { cli_port: '53682', cli_challenge: challenge, cli_state: state }, { port: 53682, challenge, state }],
  ['a port alone', { cli_port: '53682' }, /cli_challenge/],
  ['a privileged port', { cli_port: '80', cli_challenge: challenge, cli_state: state }, /cli_port/],
  ['a port out of range', { cli_port: '70000', cli_challenge: challenge, cli_state: state }, /cli_port/],
  ['a port with a host', { cli_port: 'evil.example:80', cli_challenge: challenge, cli_state: state }, /cli_port/],
  ['a plain verifier as challenge', { cli_port: '53682', cli_challenge: 'short', cli_state: state }, /cli_challenge/],
  ['a state with a URL in it', { cli_port: '53682', cli_challenge: challenge, cli_state: 'x&code=evil#aaaaaaaaaa' }, /cli_state/],
];

test('the CLI parameters of /auth/login', () => {
  for (const [name, query, expected] of cases) {
    if (expected instanceof RegExp) assert.throws(() => cliLoginOf(query), expected, name);
    else assert.deepEqual(cliLoginOf(query), expected, name);
  }
});

test('the CLI callback goes to the loopback address only', () => {
  assert.equal(cliCallbackUrl({ port: 53682, challenge, state }, 'flt_k_x'), `http://127.0.0.1:53682/callback?code=flt_k_x&state=${state}`);
});
