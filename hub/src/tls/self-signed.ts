// A self-signed X.509 v3 certificate for the hub (ECDSA P-256, SHA-256): one certificate that is
// its own issuer, for serving HTTPS when no certificate is given, trusted by agents through its
// fingerprint (pinning) or as a CA file. Built with node:crypto and the DER encoder beside it, so
// the hub needs no X.509 library and no openssl binary.
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { bitString, boolean, explicit, implicitPrimitive, integer, octetString, oid, sequence, set, time, utf8String } from './der.ts';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const KEY_USAGE = '2.5.29.15';
const SUBJECT_ALT_NAME = '2.5.29.17';
const BASIC_CONSTRAINTS = '2.5.29.19';
const EXT_KEY_USAGE = '2.5.29.37';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

/** What to put in the certificate. */
export interface SelfSignedRequest {
  commonName: string;
  /** Host names and IP addresses the certificate is valid for (subjectAltName). */
  hosts: string[];
  notBefore: Date;
  notAfter: Date;
}

/** A certificate and its private key, both PEM. */
export interface KeyAndCertificate {
  key: string;
  cert: string;
}

/** Generates a P-256 key and a self-signed certificate for it. */
export function generateSelfSigned(request: SelfSignedRequest): KeyAndCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = certificateDer(request, publicKey, privateKey);
  return { key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), cert: toPem(der, 'CERTIFICATE') };
}

/** The DER of a certificate for `publicKey`, signed with `privateKey`. */
export function certificateDer(request: SelfSignedRequest, publicKey: KeyObject, privateKey: KeyObject): Buffer {
  const algorithm = sequence(oid(ECDSA_WITH_SHA256));
  const name = sequence(set(sequence(oid(COMMON_NAME), utf8String(request.commonName))));
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const tbs = sequence(
    explicit(0, integer(2)), // v3
    integer(serial),
    algorithm,
    name,
    sequence(time(request.notBefore), time(request.notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(
      extension(BASIC_CONSTRAINTS, true, sequence()), // not a CA
      extension(KEY_USAGE, true, bitString(Buffer.from([0x80]), 7)), // digitalSignature
      extension(EXT_KEY_USAGE, false, sequence(oid(SERVER_AUTH))),
      extension(SUBJECT_ALT_NAME, false, sequence(...request.hosts.map(generalName))),
    )),
  );
  return sequence(tbs, algorithm, bitString(sign('sha256', tbs, privateKey)));
}

/** PEM armour around DER bytes. */
export function toPem(der: Uint8Array, label: string): string {
  const base64 = Buffer.from(der).toString('base64').match(/.{1,64}/g)!.join('\n');
  return `-----BEGIN ${label}-----\n${base64}\n-----END ${label}-----\n`;
}

function extension(id: string, critical: boolean, value: Uint8Array): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

function generalName(host: string): Buffer {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  if (family === 4) return implicitPrimitive(7, Buffer.from(bare.split('.').map(Number)));
  if (family === 6) return implicitPrimitive(7, ipv6Bytes(bare));
  return implicitPrimitive(2, Buffer.from(bare, 'ascii'));
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return Buffer.from(all.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  }));
}
