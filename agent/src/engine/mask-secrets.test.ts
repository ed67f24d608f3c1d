// Masking Secret values in error texts: every form a value can take in a message (raw, base64,
// decoded, JSON-escaped, one line of a multi-line value), short values kept, non-Secrets ignored.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MASK, maskSecretValues } from './mask-secrets.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (fields: { data?: Record<string, string>; stringData?: Record<string, string> }, kind = 'Secret', apiVersion = 'v1') =>
  ({ apiVersion, kind, metadata: { name: 'creds', namespace: 'shop' }, ...fields });
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';

describe('maskSecretValues', () => {
  // case | error text | objects | expected text
  const cases: [string, string, unknown[], string][] = [
    ['stringData value as written',
      'admission webhook "policy.example.com" denied the request: password "hunter22" is too weak',
      [secret({ stringData: { password: 'hunter22' } })],
      `admission webhook "policy.example.com" denied the request: password "${MASK}" is too weak`],
    ['stringData value base64-encoded',
      `data.password: Invalid value: "${b64('hunter22')}"`,
      [secret({ stringData: { password: 'hunter22' } })],
      `data.password: Invalid value: "${MASK}"`],
    ['data value as written (base64)',
      `field data.token has "${b64('s3cr3t-token')}"`,
      [secret({ data: { token: b64('s3cr3t-token') } })],
      `field data.token has "${MASK}"`],
    ['data value decoded (a webhook quoting the plain value)',
      'admission webhook denied: token s3cr3t-token is not allowed',
      [secret({ data: { token: b64('s3cr3t-token') } })],
      `admission webhook denied: token ${MASK} is not allowed`],
    ['JSON-escaped multi-line value',
      `invalid value "${JSON.stringify(KEY).slice(1, -1)}"`,
      [secret({ stringData: { 'tls.key': KEY } })],
      `invalid value "${MASK}"`],
    ['one line of a multi-line value',
      'cannot parse line: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
      [secret({ stringData: { 'tls.key': KEY } })],
      `cannot parse line: ${MASK}`],
    ['every occurrence, and values of both live and desired objects',
      'old oldpass1 new newpass2 again newpass2',
      [secret({ stringData: { p: 'newpass2' } }), secret({ data: { p: b64('oldpass1') } })],
      `old ${MASK} new ${MASK} again ${MASK}`],
    ['a longer value that contains a shorter one is masked whole',
      'value: abcd-long-secret',
      [secret({ stringData: { a: 'abcd', b: 'abcd-long-secret' } })],
      `value: ${MASK}`],
    ['values shorter than 4 characters stay (they would scramble the text)',
      'replicas 1 and flag on',
      [secret({ stringData: { a: '1', b: 'on' } })],
      'replicas 1 and flag on'],
    ['a ConfigMap is not a Secret',
      'value hunter22',
      [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { password: 'hunter22' } }],
      'value hunter22'],
    ['a Secret kind of another group is not a core Secret',
      'value hunter22',
      [secret({ stringData: { p: 'hunter22' } }, 'Secret', 'example.com/v1')],
      'value hunter22'],
    ['no objects (or undefined ones): unchanged',
      'apply failed: hunter22',
      [undefined],
      'apply failed: hunter22'],
    ['non-string and missing values are skipped',
      'nothing to hide',
      [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { n: 42 }, stringData: null }],
      'nothing to hide'],
  ];
  for (const [name, text, objects, expected] of cases) {
    it(name, () => assert.equal(maskSecretValues(text, objects), expected));
  }
});
