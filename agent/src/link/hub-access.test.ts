// The agent's hub flags together: flags | ok | what it runs with, or a fragment of the refusal.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_BUNDLE_BYTES } from '@flotilla/shared';
import { parseHubAccess, type HubAccessFlags } from './hub-access.ts';

const pin = 'AB:'.repeat(31) + 'AB';

describe('parseHubAccess', () => {
  const rows: [string, HubAccessFlags, Record<string, unknown> | string][] = [
    ['https alone', { hub: 'https://hub.example.com/' }, { hubUrl: 'https://hub.example.com', maxBundleBytes: MAX_BUNDLE_BYTES }],
    ['https with a pin in bare hex', { hub: 'https://10.0.0.5:8443', hubFingerprint: 'ab'.repeat(32) }, { hubUrl: 'https://10.0.0.5:8443', fingerprint: pin, maxBundleBytes: MAX_BUNDLE_BYTES }],
    ['https with a CA file', { hub: 'https://hub', caFile: '/etc/ca.pem' }, { hubUrl: 'https://hub', caFile: '/etc/ca.pem', maxBundleBytes: MAX_BUNDLE_BYTES }],
    ['a smaller bundle cap', { hub: 'https://hub', maxBundleBytes: '1000' }, { hubUrl: 'https://hub', maxBundleBytes: 1000 }],
    ['plain http on loopback warns', { hub: 'http://127.0.0.1:8080' }, { hubUrl: 'http://127.0.0.1:8080', maxBundleBytes: MAX_BUNDLE_BYTES, warning: 'the hub URL is plain http: the connection is not encrypted (accepted on loopback only)' }],
    ['plain http elsewhere is refused', { hub: 'http://hub.example.com:8080' }, 'refusing plain http to hub.example.com'],
    ['plain http elsewhere with --insecure warns', { hub: 'http://hub.example.com', insecure: true }, { hubUrl: 'http://hub.example.com', maxBundleBytes: MAX_BUNDLE_BYTES, warning: 'the hub URL is plain http to hub.example.com: tokens and manifests cross the network unencrypted (--insecure)' }],
    ['a pin with plain http is refused', { hub: 'http://127.0.0.1:8080', hubFingerprint: pin }, 'give an https:// hub URL'],
    ['a CA file with plain http is refused', { hub: 'http://hub', caFile: 'ca.pem', insecure: true }, 'give an https:// hub URL'],
    ['a malformed pin is refused', { hub: 'https://hub', hubFingerprint: 'AB:CD' }, 'is not a SHA-256 fingerprint'],
    ['a bundle cap of zero is refused', { hub: 'https://hub', maxBundleBytes: '0' }, '--max-bundle-bytes wants a positive whole number'],
    ['a bundle cap in words is refused', { hub: 'https://hub', maxBundleBytes: '64MB' }, '--max-bundle-bytes wants a positive whole number'],
    ['not a URL', { hub: 'hub:8080' }, 'not an http(s) URL'],
  ];
  for (const [name, flags, expected] of rows) {
    it(name, () => {
      const access = parseHubAccess(flags);
      if (typeof expected === 'string') {
        assert.equal(access.ok, false);
        assert.ok(!access.ok && access.message.includes(expected), JSON.stringify(access));
      } else {
        assert.deepEqual(access, { ok: true, ...expected });
      }
    });
  }
});
