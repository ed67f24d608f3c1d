// Certificate fingerprints for pinning: the SHA-256 of a certificate's DER bytes, written as 32
// colon-separated upper-case hex pairs, the form `openssl x509 -noout -fingerprint -sha256` and
// Node's `X509Certificate.fingerprint256` show. A pin is accepted in that form, as bare hex, or with
// a `sha256:` prefix, in any case.
import { createHash } from 'node:crypto';

const HEX_64 = /^[0-9a-f]{64}$/;

/** The fingerprint of a certificate given as DER bytes, in the canonical `AB:CD:…` form. */
export function fingerprintOf(der: Uint8Array): string {
  return formatHex(createHash('sha256').update(der).digest('hex'));
}

/** A fingerprint in the canonical form, or undefined when `text` is not a SHA-256 fingerprint (pure). */
export function parseFingerprint(text: string): string | undefined {
  const bare = text.trim().toLowerCase().replace(/^sha-?256[:=]/, '').replace(/[:\s]/g, '');
  return HEX_64.test(bare) ? formatHex(bare) : undefined;
}

/** Whether two fingerprints, in any accepted form, name the same certificate (pure). */
export function isSameFingerprint(a: string, b: string): boolean {
  const left = parseFingerprint(a);
  return left !== undefined && left === parseFingerprint(b);
}

function formatHex(hex: string): string {
  return hex.toUpperCase().match(/../g)!.join(':');
}
