import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { leakScanner, secretForms } from './secret-scan.ts';

const token = `flt_a_${'Q'.repeat(43)}`;
const entries = [
  { kind: 'repo password', value: 's3cret-"pass"/1' },
  { kind: 'Secret data', value: 'db-password-value' },
  { kind: 'api token', value: token },
];

describe('leakScanner', () => {
  const scan = leakScanner(entries);
  const rows: [string, string, { kind: string; form: string; line: number }[]][] = [
    ['a clean log', '{"msg":"applied","password":"[redacted]"}\n', []],
    ['a password as is', 'x\n{"msg":"clone https://u:s3cret-"pass"/1@git"}', [{ kind: 'repo password', form: 'as is', line: 2 }]],
    ['a password JSON-escaped', '{"url":"s3cret-\\"pass\\"/1"}', [{ kind: 'repo password', form: 'JSON-escaped', line: 1 }]],
    ['a password URL-encoded', 'GET /?p=s3cret-%22pass%22%2F1', [{ kind: 'repo password', form: 'URL-encoded', line: 1 }]],
    ['a Secret value base64', `{"data":{"pw":"${Buffer.from('db-password-value').toString('base64')}"}}`, [{ kind: 'Secret data', form: 'base64', line: 1 }]],
    ['a Secret value base64 without padding', `${Buffer.from('db-password-value').toString('base64').replace(/=+$/, '')}.`, [{ kind: 'Secret data', form: 'base64 without padding', line: 1 }]],
    ['a token in an authorization header', `a\nb\n{"authorization":"Bearer ${token}"}`, [{ kind: 'api token', form: 'as is', line: 3 }]],
    ['a token the ledger never saw', `{"t":"flt_s_${'z'.repeat(43)}"}`, [{ kind: 'unrecorded Flotilla token', form: 'as is', line: 1 }]],
    ['a short test token is not token-shaped', '{"t":"flt_b_test"}', []],
    ['a prefix of a secret is not the secret', '{"p":"db-password-valu"}', []],
  ];
  for (const [name, text, expected] of rows) {
    it(name, () => {
      assert.deepEqual(scan('f.log', text).map(({ kind, form, line }) => ({ kind, form, line })), expected);
    });
  }

  it('names the entry and place but never repeats the secret', () => {
    const [leak] = scan('hub.log', 'db-password-value');
    assert.deepEqual(leak, { file: 'hub.log', line: 1, kind: 'Secret data', form: 'as is', hint: 'db-p' });
  });

  it('finds nothing with an empty ledger but unrecorded tokens', () => {
    assert.deepEqual(leakScanner([])('f', 'db-password-value').length, 0);
  });
});

describe('secretForms', () => {
  it('drops duplicate and too short forms', () => {
    assert.deepEqual(secretForms('abcdef').map((f) => f.how), ['as is', 'base64']);
    assert.deepEqual(secretForms('abcd').map((f) => f.how), ['base64', 'base64 without padding']);
    assert.deepEqual(secretForms('a?b>c~').map((f) => f.how), ['as is', 'base64', 'base64url', 'URL-encoded']);
  });
});
