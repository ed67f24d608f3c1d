// How a client (the agent, the CLI) trusts the hub's TLS certificate: the system CAs, a CA file,
// a pinned SHA-256 fingerprint of the hub's own certificate, or (CLI only) nothing at all. A pin
// is checked on a TLS connection opened before the HTTP request exists, so no byte of the request
// (the bearer token above all) is written to a server whose certificate does not match.
import type { ClientRequestArgs } from 'node:http';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { isSameFingerprint, parseFingerprint } from './fingerprint.ts';

const HANDSHAKE_TIMEOUT_MS = 10_000;

/** What to trust. `ca` is PEM text (a file's content); `fingerprint` pins the hub's certificate. */
export interface TlsTrust {
  ca?: string;
  fingerprint?: string;
  /** Accept any certificate (the CLI's --insecure-skip-tls-verify). */
  insecureSkipVerify?: boolean;
}

/** The hub's certificate is not the pinned one. */
export class FingerprintMismatchError extends Error {
  readonly code = 'FLT_ERR_TLS_FINGERPRINT';
  constructor(host: string, actual: string, expected: string) {
    super(`the TLS certificate of ${host} has fingerprint ${actual}, not the pinned ${parseFingerprint(expected) ?? expected}: refusing to send anything to it`);
    this.name = 'FingerprintMismatchError';
  }
}

type Callback = (error: Error | null, socket: Duplex) => void;

/** Options for https.request and ws: the trust in TLS terms (empty for the system CAs). */
export function tlsClientOptions(trust: TlsTrust | undefined): {
  ca?: string;
  rejectUnauthorized?: boolean;
  createConnection?: (options: ClientRequestArgs, callback: Callback) => undefined;
} {
  if (!trust) return {};
  if (trust.fingerprint) {
    const pin = trust.fingerprint;
    return { createConnection: (options, callback) => connectPinned(options, pin, trust.ca, callback) };
  }
  if (trust.insecureSkipVerify) return { rejectUnauthorized: false };
  return trust.ca ? { ca: trust.ca } : {};
}

/** Opens a TLS connection and hands it over only once the peer's certificate matches the pin. */
function connectPinned(options: ClientRequestArgs & { servername?: string }, pin: string, ca: string | undefined, callback: Callback): undefined {
  const host = options.hostname ?? options.host ?? 'localhost';
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  // With a CA file as well, the chain and host name are verified too; with a pin alone, the pin is the trust.
  const socket: TLSSocket = tlsConnect({
    host: bare,
    port: Number(options.port ?? 443),
    servername: options.servername || (isIP(bare) ? undefined : bare),
    rejectUnauthorized: ca !== undefined,
    ...(ca ? { ca } : {}),
  });
  let done = false;
  const finish = (error: Error | null) => {
    if (done) return;
    done = true;
    socket.setTimeout(0);
    if (error) {
      socket.destroy();
      callback(error, socket);
    } else {
      callback(null, socket);
    }
  };
  socket.setTimeout(HANDSHAKE_TIMEOUT_MS, () => finish(new Error(`no TLS handshake with ${host} within ${HANDSHAKE_TIMEOUT_MS / 1000} s`)));
  socket.once('error', finish);
  socket.once('secureConnect', () => {
    const actual = socket.getPeerCertificate().fingerprint256;
    if (!actual || !isSameFingerprint(actual, pin)) finish(new FingerprintMismatchError(host, actual || 'none', pin));
    else finish(null);
  });
  return undefined;
}

const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'FLT_ERR_TLS_FINGERPRINT',
]);

/** Whether a connection failed because the server's certificate is not trusted (pure). */
export function isCertificateError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CERTIFICATE_ERRORS.has(code);
}
