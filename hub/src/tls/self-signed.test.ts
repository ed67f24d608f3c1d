// The generated certificate as OpenSSL (Node's X509Certificate) reads it back: hosts | subjectAltName.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { generateSelfSigned } from './self-signed.ts';
import { selfSignedHosts } from './server-tls.ts';

const notBefore = new Date('2026-01-01T00:00:00Z');
const notAfter = new Date('2036-01-01T00:00:00Z');

describe('generateSelfSigned', () => {
  const pair = generateSelfSigned({ commonName: 'flotilla-hub', hosts: ['localhost', '127.0.0.1', '::1', 'hub.example.com'], notBefore, notAfter });
  const cert = new X509Certificate(pair.cert);
  it('is self-signed by its own P-256 key', () => {
    assert.equal(cert.subject, 'CN=flotilla-hub');
    assert.equal(cert.issuer, cert.subject);
    assert.ok(cert.verify(cert.publicKey));
    assert.ok(cert.checkPrivateKey(createPrivateKey(pair.key)));
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  });
  it('names every host and address', () => assert.equal(cert.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:hub.example.com'));
  it('is valid for the requested period, for servers only, and not a CA', () => {
    assert.equal(cert.validFromDate.toISOString(), notBefore.toISOString());
    assert.equal(cert.validToDate.toISOString(), notAfter.toISOString());
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    assert.equal(cert.ca, false);
    assert.ok(cert.checkHost('hub.example.com'));
    assert.ok(cert.checkIP('127.0.0.1'));
    assert.equal(cert.checkHost('other.example.com'), undefined);
  });
  it('gets a fresh key and serial every time', () => {
    const again = new X509Certificate(generateSelfSigned({ commonName: 'flotilla-hub', hosts: ['localhost'], notBefore, notAfter }).cert);
    assert.notEqual(again.serialNumber, cert.serialNumber);
    assert.notEqual(again.fingerprint256, cert.fingerprint256);
  });
});

describe('selfSignedHosts', () => {
  // listen host | external URL | hosts
  const rows: [string, string | undefined, string[]][] = [
    ['127.0.0.1', undefined, ['localhost', '127.0.0.1', '::1']],
    ['0.0.0.0', undefined, ['localhost', '127.0.0.1', '::1', 'machine']],
    ['::', 'https://Hub.Example.com:8443', ['localhost', '127.0.0.1', '::1', 'machine', 'hub.example.com']],
    ['10.1.2.3', 'https://[fd00::1]:8443', ['localhost', '127.0.0.1', '::1', '10.1.2.3', 'fd00::1']],
    ['hub.internal', 'not a url', ['localhost', '127.0.0.1', '::1', 'hub.internal']],
  ];
  for (const [listen, external, hosts] of rows) it(`${listen} ${external ?? ''}`, () => assert.deepEqual(selfSignedHosts(listen, external, 'machine'), hosts));
});
