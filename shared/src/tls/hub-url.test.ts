// Which hub URLs an agent accepts: url | flags | ok | warns | message fragment.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkHubUrl, isLoopbackHost, type HubUrlFlags } from './hub-url.ts';

describe('isLoopbackHost', () => {
  const rows: [string, boolean][] = [
    ['localhost', true],
    ['LOCALHOST', true],
    ['localhost.', true],
    ['hub.localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['::1', true],
    ['[::ffff:127.0.0.1]', true],
    ['128.0.0.1', false],
    ['10.0.0.1', false],
    ['localhost.example.com', false],
    ['127.0.0.1.nip.io', false],
    ['[::2]', false],
    ['hub', false],
  ];
  for (const [host, expected] of rows) it(`${host} → ${expected}`, () => assert.equal(isLoopbackHost(host), expected));
});

describe('checkHubUrl', () => {
  const rows: [string, HubUrlFlags, boolean, boolean, string][] = [
    ['https://hub.example.com', {}, true, false, ''],
    ['https://hub.example.com', { verifies: true }, true, false, ''],
    ['https://10.0.0.5:8443', { insecure: true }, true, false, ''],
    ['http://127.0.0.1:8080', {}, true, true, 'loopback'],
    ['http://localhost:8080', {}, true, true, 'loopback'],
    ['http://[::1]:8080', {}, true, true, 'loopback'],
    ['http://hub.example.com', {}, false, false, 'refusing plain http to hub.example.com'],
    ['http://10.0.0.5:8080', {}, false, false, '--insecure'],
    ['http://hub.example.com', { insecure: true }, true, true, 'unencrypted (--insecure)'],
    ['http://127.0.0.1:8080', { verifies: true }, false, false, 'give an https:// hub URL'],
    ['ftp://hub', {}, false, false, 'not an http(s) URL'],
    ['hub:8080', {}, false, false, 'not an http(s) URL'],
    ['not a url', {}, false, false, 'not a URL'],
  ];
  for (const [url, flags, ok, warns, fragment] of rows) {
    it(`${url} ${JSON.stringify(flags)} → ${ok ? 'accepted' : 'refused'}`, () => {
      const verdict = checkHubUrl(url, flags);
      assert.equal(verdict.ok, ok);
      if (verdict.ok) {
        assert.equal(verdict.warning !== undefined, warns);
        if (fragment) assert.match(verdict.warning ?? '', new RegExp(fragment.replace(/[()]/g, '\\$&')));
      } else {
        assert.ok(verdict.message.includes(fragment), verdict.message);
      }
    });
  }
});
