// Whether an agent may talk to its hub over a given URL: https always; plain http only to a
// loopback address (where nothing crosses a network) or when the operator says --insecure, and
// then with a warning. Pinning and a CA file need https. Pure: the caller logs and exits.

/** The verdict on a hub URL: usable (maybe with a warning to log) or refused with the reason. */
export type HubUrlVerdict = { ok: true; plain: boolean; warning?: string } | { ok: false; message: string };

/** What the agent was told about trusting the hub. */
export interface HubUrlFlags {
  /** --insecure: plain http to a non-loopback hub is accepted. */
  insecure?: boolean;
  /** --hub-fingerprint or --ca-file was given. */
  verifies?: boolean;
}

/** Whether a URL hostname is a loopback address: localhost, *.localhost, 127.0.0.0/8 or ::1 (pure). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  if (/^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Decides whether the agent may use `url` to reach the hub (pure). */
export function checkHubUrl(url: string, flags: HubUrlFlags = {}): HubUrlVerdict {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, message: `--hub "${url}" is not a URL (expected https://host[:port])` };
  }
  if (parsed.protocol === 'https:') return { ok: true, plain: false };
  if (parsed.protocol !== 'http:') return { ok: false, message: `--hub "${url}" is not an http(s) URL` };
  if (flags.verifies) return { ok: false, message: `--hub-fingerprint and --ca-file verify a TLS certificate: give an https:// hub URL, not ${url}` };
  if (isLoopbackHost(parsed.hostname)) {
    return { ok: true, plain: true, warning: 'the hub URL is plain http: the connection is not encrypted (accepted on loopback only)' };
  }
  if (flags.insecure) {
    return { ok: true, plain: true, warning: `the hub URL is plain http to ${parsed.hostname}: tokens and manifests cross the network unencrypted (--insecure)` };
  }
  return {
    ok: false,
    message: `refusing plain http to ${parsed.hostname}, which is not a loopback address: the cluster's token would cross the network unencrypted. `
      + 'Use an https:// hub URL (with --hub-fingerprint or --ca-file for a self-signed certificate), or pass --insecure to accept plain http',
  };
}
