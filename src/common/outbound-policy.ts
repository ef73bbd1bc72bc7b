import ipaddr from 'ipaddr.js';

/**
 * Where the hub may connect on a tenant's behalf (OWASP API7:2023, Server Side Request Forgery,
 * https://owasp.org/API-Security/editions/2023/en/0xa7-server-side-request-forgery/).
 * Every outbound target that comes from configuration or from a vendor's answer is checked
 * with {@link checkAddress} / {@link checkHost} / {@link checkUrl}, and again on the resolved
 * addresses when connecting (see outbound-connect.ts).
 *
 * Rules, in order:
 * 1. cloud metadata (169.254.169.254, fd00:ec2::254, 100.100.100.200, metadata.google.internal
 *    with or without the trailing dot): never, even when listed;
 * 2. global unicast addresses: allowed;
 * 3. loopback, private (10/8, 172.16/12, 192.168/16), shared/CGNAT (100.64/10) and unique-local
 *    (fc00::/7) addresses: allowed only inside `ALLOWED_PRIVATE_NETWORKS` (comma-separated
 *    CIDRs) — how an on-premise OpenDental server over a VPN, or a loopback test fixture, is reached;
 * 4. everything else — unspecified (0.0.0.0, ::), link-local, multicast, broadcast, reserved —
 *    refused, listed or not. IPv4-mapped IPv6 forms are judged as the IPv4 address they carry.
 * Every IPv4 spelling (decimal `2130706433`, hex `0x7f.1`, octal `0177.0.0.1`, short `127.1`)
 * is first canonicalised by the WHATWG URL host parser, the one browsers and Node's `fetch`
 * use, so the check sees what a connection would reach.
 * Plain `http` is refused in production except to an address listed in ALLOWED_PRIVATE_NETWORKS
 * (OpenDental's Local API and API Service run on the office network over HTTP).
 */
export interface OutboundPolicy {
  /** NODE_ENV=production: base URLs must be https unless their address is listed. */
  requireHttps: boolean;
  allowed: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
}

const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200']);
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata', 'metadata.goog']);
/** ipaddr.js range names that are public unicast space. */
const PUBLIC_RANGES = new Set(['unicast']);
/** Ranges an operator may open with ALLOWED_PRIVATE_NETWORKS (unspecified and link-local never: metadata lives there). */
const LISTABLE_RANGES = new Set(['loopback', 'private', 'carrierGradeNat', 'uniqueLocal']);
const RANGE_NAMES: Record<string, string> = {
  unspecified: 'unspecified address', loopback: 'loopback address', linkLocal: 'link-local address', private: 'private network address',
  carrierGradeNat: 'shared (carrier-grade NAT) address', uniqueLocal: 'unique-local address',
};

/**
 * Parses `ALLOWED_PRIVATE_NETWORKS`.
 * @throws Error naming the bad entry (the env loader turns it into a start-up failure).
 */
export function parseAllowedNetworks(value: string | undefined): OutboundPolicy['allowed'] {
  if (!value || !value.trim()) return [];
  return value.split(',').map((s) => s.trim()).filter(Boolean).map((cidr) => {
    try {
      return ipaddr.parseCIDR(cidr);
    } catch {
      throw new Error(`"${cidr}" is not a CIDR such as 10.20.0.0/16 or ::1/128`);
    }
  });
}

/** The canonical host text of `host` as a URL would connect to it (IPv4 in every spelling canonicalised, IPv6 unbracketed, lower case), or null when it is not a valid host. */
export function canonicalHost(host: string): string | null {
  const trimmed = host.trim();
  if (!trimmed || /[/?#@\s]/.test(trimmed)) return null;
  const bracketed = trimmed.includes(':') && !trimmed.startsWith('[') ? `[${trimmed}]` : trimmed;
  try {
    const hostname = new URL(`http://${bracketed}/`).hostname;
    return hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return null;
  }
}

/** The address, with an IPv4-mapped IPv6 form (`::ffff:127.0.0.1`) judged as the IPv4 address it carries; null when not an IP. */
function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!ipaddr.isValid(text)) return null;
  const addr = ipaddr.parse(text);
  return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? (addr as ipaddr.IPv6).toIPv4Address() : addr;
}

function inAllowed(addr: ipaddr.IPv4 | ipaddr.IPv6, policy: OutboundPolicy): boolean {
  return policy.allowed.some(([net, bits]) => net.kind() === addr.kind() && addr.match([net, bits] as never));
}

/**
 * Judges one IP address (any textual form ipaddr.js or the URL parser accepts).
 * @returns null when allowed, else a reason safe to show (`loopback address`, `cloud metadata address`…).
 */
export function checkAddress(ip: string, policy: OutboundPolicy): string | null {
  const text = canonicalHost(ip) ?? ip;
  const addr = parseAddress(text);
  if (!addr) return 'not an IP address';
  if (METADATA_ADDRESSES.has(addr.toNormalizedString()) || METADATA_ADDRESSES.has(addr.toString())) return 'cloud metadata address';
  const range = addr.range();
  if (PUBLIC_RANGES.has(range)) return null;
  if (LISTABLE_RANGES.has(range) && inAllowed(addr, policy)) return null;
  const name = RANGE_NAMES[range] ?? `${range} address`;
  return LISTABLE_RANGES.has(range) ? `${name} (list its network in ALLOWED_PRIVATE_NETWORKS to allow it)` : name;
}

/** True when `host` is an IP literal (after canonicalisation). */
export function isIpLiteral(host: string): boolean {
  const c = canonicalHost(host);
  return !!c && ipaddr.isValid(c);
}

/**
 * Judges a host as configured (a name or an IP in any spelling). Names are judged only for
 * metadata names here; their addresses are checked when connecting.
 * @returns null when allowed, else a reason.
 */
export function checkHost(host: string, policy: OutboundPolicy): string | null {
  const c = canonicalHost(host);
  if (!c) return 'not a valid host name or address';
  if (ipaddr.isValid(c)) return checkAddress(c, policy);
  if (METADATA_NAMES.has(c.replace(/\.$/, ''))) return 'cloud metadata host';
  return null;
}

/**
 * Judges a URL as configured or as a vendor sent it (next links, Bulk file URLs, redirects):
 * http or https only, the host by {@link checkHost}, and https in production unless the host
 * is an IP literal inside ALLOWED_PRIVATE_NETWORKS (names are re-judged on their resolved
 * addresses at connect time by {@link httpAllowedFor}).
 * @returns null when allowed, else a reason.
 */
export function checkUrl(url: string, policy: OutboundPolicy): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an http or https URL';
  if (parsed.username || parsed.password) return 'must not carry credentials in the URL';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const problem = checkHost(host, policy);
  if (problem) return problem;
  if (parsed.protocol === 'http:' && policy.requireHttps && !(ipaddr.isValid(host) && httpAllowedFor(host, policy))) {
    return 'must use https (plain http is allowed only to addresses in ALLOWED_PRIVATE_NETWORKS)';
  }
  return null;
}

/** True when plain http may be used to this (resolved) address: it is inside ALLOWED_PRIVATE_NETWORKS. */
export function httpAllowedFor(ip: string, policy: OutboundPolicy): boolean {
  const addr = parseAddress(ip);
  return !!addr && inAllowed(addr, policy);
}
