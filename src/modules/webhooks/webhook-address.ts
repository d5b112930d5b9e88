import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { LookupFunction } from 'node:net';

/**
 * Where webhooks may go. Never to private, loopback, link-local, shared, multicast or reserved addresses (an
 * endpoint must not make the server probe its own network), unless WEBHOOK_ALLOW_PRIVATE; only https in
 * production. Every address the host resolves to is checked, at creation and again at each delivery, and the
 * connection goes to the address that was checked (pinnedLookup), so a DNS answer that changes between the check
 * and the connect (rebinding) cannot reach an internal address.
 */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv6');

/**
 * The IPv4 address embedded in an IPv4-mapped (::ffff:a.b.c.d), -translated (::ffff:0:a.b.c.d), -compatible
 * (::a.b.c.d) or NAT64 (64:ff9b::/96) IPv6 address, dotted or in hex (the URL parser writes `[::127.0.0.1]` as
 * `::7f00:1`).
 */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:(?:0:)?|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:(?:0:)?|::|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return null;
  const hi = parseInt(hex[1], 16);
  const lo = parseInt(hex[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family !== 6) return true;
  const v4 = embeddedIpv4(address);
  if (v4) return BLOCKED.check(v4, 'ipv4');
  return BLOCKED.check(address, 'ipv6');
}

export interface AddressPolicy {
  allowPrivate: boolean;
  httpsOnly: boolean;
}

export class WebhookAddressError extends Error {}

/** The URL parsed, or why it is refused (scheme, credentials, form); DNS is checked by resolveAllowed. */
export function parseWebhookUrl(raw: string, policy: AddressPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookAddressError('url is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new WebhookAddressError('url must be http or https');
  if (policy.httpsOnly && url.protocol !== 'https:')
    throw new WebhookAddressError('url must be https in production');
  if (url.username || url.password) throw new WebhookAddressError('url must not hold credentials');
  if (raw.length > 2048) throw new WebhookAddressError('url is longer than 2048 characters');
  return url;
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Every address of the URL's host, checked; throws when one is refused or the name does not resolve. */
export async function resolveAllowed(
  url: URL,
  policy: AddressPolicy,
): Promise<{ address: string; family: number }[]> {
  const host = hostOf(url);
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await lookup(host, { all: true, verbatim: true }).catch((error: NodeJS.ErrnoException) => {
        throw new WebhookAddressError(`the host ${host} does not resolve (${error.code ?? 'DNS'})`);
      });
  if (addresses.length === 0) throw new WebhookAddressError(`the host ${host} does not resolve`);
  if (!policy.allowPrivate) {
    const refused = addresses.find((a) => isPrivateAddress(a.address));
    if (refused)
      throw new WebhookAddressError(
        `the host ${host} resolves to a private, loopback or reserved address (${refused.address})`,
      );
  }
  return addresses;
}

/** A `lookup` for http(s).request that answers only with these (already checked) addresses. */
export function pinnedLookup(addresses: { address: string; family: number }[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, addresses);
    else {
      const wanted = options.family === 6 || options.family === 4 ? options.family : 0;
      const pick = addresses.find((a) => !wanted || a.family === wanted) ?? addresses[0];
      callback(null, pick.address, pick.family);
    }
  };
}
