// Which repository URLs the hub may fetch (server-side request forgery). An application's repoURL
// makes the hub open a connection wherever it points, so by default the hub refuses schemes other
// than http(s), link-local addresses (169.254.0.0/16, fe80::/10) and cloud metadata endpoints
// (169.254.169.254, fd00:ec2::254, 100.100.100.200, metadata.google.internal, ...). Loopback and
// private addresses stay allowed by default: in-cluster Git servers (Gitea on 10.x) are common, and
// the tests and the demo serve Git on 127.0.0.1. An operator who wants less sets an allow-list of
// host globs and CIDRs (`repoAllowList`, FLOTILLA_REPO_ALLOW): then only what it names is fetched.
//
// Two checks, both pure: checkRepoUrl on the URL before anything is sent (scheme, host name, an IP
// written in the URL), and checkDialedAddress on every address the host resolves to, at the moment
// the connection is made (git-http.ts calls it from the socket's DNS lookup), so a name that
// resolves to a metadata address, or changes its answer between a check and the connect (DNS
// rebinding), is refused too. A blocked address is fetched only when an allow-list CIDR names it.
import { BlockList, isIP } from 'node:net';
import picomatch from 'picomatch';

/** A parsed allow-list; `restricted` is false when none is set (everything not blocked is allowed). */
export interface UrlPolicy {
  restricted: boolean;
  hostGlobs: string[];
  cidrs: BlockList;
  /** The entries as written, for messages. */
  entries: string[];
}

/** A decision, with the reason when refused. */
export type Verdict = { ok: true } | { ok: false; reason: string };

/** Host names of cloud metadata services (GCP, AWS, Tencent, ...), compared without a trailing dot. */
const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal', 'metadata.tencentyun.com', 'metadata.azure.com']);

/** Address ranges refused by default: [network, prefix, family, what it is]. */
const BLOCKED_RANGES: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['169.254.169.254', 32, 'ipv4', 'a cloud metadata address'],
  ['100.100.100.200', 32, 'ipv4', 'a cloud metadata address'],
  ['fd00:ec2::254', 128, 'ipv6', 'a cloud metadata address'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local address'],
  ['fe80::', 10, 'ipv6', 'a link-local address'],
  // 169.254.0.0/16 spelled inside IPv6: NAT64, 6to4 and IPv4-compatible forms (IPv4-mapped ones are matched by BlockList itself).
  ['64:ff9b::a9fe:0', 112, 'ipv6', 'a link-local address'],
  ['2002:a9fe::', 32, 'ipv6', 'a link-local address'],
  ['::a9fe:0', 112, 'ipv6', 'a link-local address'],
  ['0.0.0.0', 8, 'ipv4', 'an unspecified address'],
  ['::', 128, 'ipv6', 'an unspecified address'],
];

const BLOCKED = BLOCKED_RANGES.map(([network, prefix, family, what]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, what };
});

/** The default policy: no allow-list. */
export const OPEN_POLICY: UrlPolicy = { restricted: false, hostGlobs: [], cidrs: new BlockList(), entries: [] };

/** Parses allow-list entries (`git.example.com`, `*.example.com`, `10.0.0.0/8`, `::1`); a comma- or space-separated string works too. */
export function parseAllowList(input: string[] | string | undefined): { ok: true; policy: UrlPolicy } | { ok: false; message: string } {
  const entries = (typeof input === 'string' ? input.split(/[\s,]+/) : input ?? []).map((e) => e.trim()).filter((e) => e !== '');
  if (entries.length === 0) return { ok: true, policy: OPEN_POLICY };
  const cidrs = new BlockList();
  const hostGlobs: string[] = [];
  for (const entry of entries) {
    const cidr = parseCidr(entry);
    if (cidr) cidrs.addSubnet(cidr.network, cidr.prefix, cidr.family);
    else if (/^[a-z0-9*?]([a-z0-9*?._-]*)$/i.test(entry)) hostGlobs.push(entry.toLowerCase().replace(/\.$/, ''));
    else return { ok: false, message: `repository allow-list entry "${entry}" is neither a host name glob (git.example.com, *.example.com) nor an IP address or CIDR (10.0.0.0/8)` };
  }
  return { ok: true, policy: { restricted: true, hostGlobs, cidrs, entries } };
}

/** The policy for a hub's `repoAllowList` setting; throws with the parse error's message (the hub does not start). */
export function urlPolicyOf(entries: string[] | string | undefined): UrlPolicy {
  const parsed = parseAllowList(entries);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.policy;
}

/** Whether the URL may be fetched, judged on the URL alone (scheme, host name, an IP literal). */
export function checkRepoUrl(url: string, policy: UrlPolicy): Verdict {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return { ok: false, reason: 'it is not a valid URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { ok: false, reason: `the hub fetches only http(s) repositories, not ${parsed.protocol.replace(/:$/, '')}://` };
  const host = hostOf(parsed);
  if (host === '') return { ok: false, reason: 'it names no host' };
  if (isIP(host)) return checkDialedAddress(host, host, policy);
  if (METADATA_HOSTS.has(host)) return { ok: false, reason: `${host} is a cloud metadata service` };
  if (policy.restricted && !matchesHostGlob(host, policy) && policy.entries.every((e) => parseCidr(e) === undefined)) {
    return { ok: false, reason: notAllowed(host, policy) };
  }
  return { ok: true };
}

/** Whether a connection to `address` (what `hostname` resolved to, or the IP the URL names) may be made. */
export function checkDialedAddress(hostname: string, address: string, policy: UrlPolicy): Verdict {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(ip) === 6 ? 'ipv6' : isIP(ip) === 4 ? 'ipv4' : undefined;
  if (!family) return { ok: false, reason: `${address} is not an IP address` };
  const inCidrs = policy.cidrs.check(ip, family);
  const blocked = BLOCKED.find((b) => b.list.check(ip, family));
  const shown = host === ip ? ip : `${host} (${ip})`;
  if (blocked && !inCidrs) return { ok: false, reason: `${shown} is ${blocked.what}` };
  if (policy.restricted && !inCidrs && !matchesHostGlob(host, policy)) return { ok: false, reason: notAllowed(shown, policy) };
  return { ok: true };
}

function matchesHostGlob(host: string, policy: UrlPolicy): boolean {
  return policy.hostGlobs.some((glob) => picomatch.isMatch(host, glob, { nocase: true, dot: true }));
}

function notAllowed(what: string, policy: UrlPolicy): string {
  return `${what} is not in the hub's repository allow-list (${policy.entries.join(', ')})`;
}

/** The URL's host, lowercased, without IPv6 brackets or a trailing dot. */
function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

function parseCidr(entry: string): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address, bits, extra] = entry.replace(/^\[|\](?=\/|$)/g, '').split('/');
  if (extra !== undefined || address === undefined) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  return { network: address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}
