import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrustProxy } from './trust-proxy.ts';

describe('parseTrustProxy', () => {
  // setting | fastify value, or a part of the refusal
  const rows: [string | undefined, false | string[] | RegExp][] = [
    [undefined, false],
    ['', false],
    ['false', false],
    ['1', /a hop count \(1\)/],
    ['true', /any client/],
    ['10.0.0.5', ['10.0.0.5']],
    ['10.0.0.0/8, 127.0.0.1', ['10.0.0.0/8', '127.0.0.1']],
    ['fd00::/8,::1', ['fd00::/8', '::1']],
    ['10.0.0.0/33', /not an IP address or CIDR/],
    ['proxy.example.com', /"proxy.example.com" is not an IP/],
    ['10.0.0.1/8/1', /not an IP/],
  ];
  for (const [setting, expected] of rows) {
    it(`${JSON.stringify(setting)} → ${expected instanceof RegExp ? `refused ${expected}` : JSON.stringify(expected)}`, () => {
      const parsed = parseTrustProxy(setting);
      if (expected instanceof RegExp) {
        assert.equal(parsed.ok, false);
        if (!parsed.ok) assert.match(parsed.message, expected);
      } else {
        assert.deepEqual(parsed, { ok: true, value: expected });
      }
    });
  }
});
