// providerText: columns are the provider's text and what the hub keeps of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PROVIDER_TEXT, providerText } from './provider-text.ts';

const cases: Array<[unknown, string]> = [
  ['access_denied', 'access_denied'],
  ['User cancelled the login', 'User cancelled the login'],
  [undefined, ''],
  [['a', 'b'], ''],
  ['', ''],
  ['bad\u0007\u001b[31mred', 'bad??[31mred'],
  ['line\r\nforged: entry', 'line??forged: entry'],
  ['caf\u00e9 \u202egnp.exe', 'caf? ?gnp.exe'],
  ['E'.repeat(16 * 1024), 'E'.repeat(MAX_PROVIDER_TEXT)],
  [`${'x'.repeat(127)}\u00e9\u00e9`, `${'x'.repeat(127)}?`],
];

test('provider error text is cut to short printable ASCII', () => {
  for (const [given, expected] of cases) assert.equal(providerText(given), expected, String(JSON.stringify(given)).slice(0, 60));
});
