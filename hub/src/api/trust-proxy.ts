// Which reverse proxies the hub believes about the client's address (`X-Forwarded-For`), for login
// throttling and logs: none by default (the socket's peer is the client), else the proxies'
// addresses and CIDRs, as fastify's `trustProxy` takes them. `true` (trust any sender) and a hop
// count (fastify dropped those: the hub may be reached past the proxy) are refused: any client
// could then pick its own address and step around per-address throttling.
import { isIP } from 'node:net';

/** fastify's `trustProxy` value, or the reason the setting is refused. */
export type TrustProxy = { ok: true; value: false | string[] } | { ok: false; message: string };

/** Parses FLOTILLA_TRUST_PROXY: empty (none) or comma-separated addresses and CIDRs. */
export function parseTrustProxy(setting: string | undefined): TrustProxy {
  const text = (setting ?? '').trim();
  if (text === '' || text === 'false') return { ok: true, value: false };
  if (text === 'true') return { ok: false, message: '"true" would believe any client about its own address: give the proxies\' addresses or CIDRs' };
  if (/^\d+$/.test(text)) return { ok: false, message: `a hop count (${text}) would believe a client that reaches the hub past the proxy: give the proxies' addresses or CIDRs` };
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const prefixOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!family || !prefixOk || rest.length) return { ok: false, message: `entry "${entry}" is not an IP address or CIDR (e.g. 10.0.0.5 or 10.0.0.0/8)` };
  }
  return { ok: true, value: entries };
}
