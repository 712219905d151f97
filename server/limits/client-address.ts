import { isIPv4, isIPv6 } from 'node:net';

/**
 * The address limits are counted against: the peer's own address, or with `trustedHops` proxies
 * in front (TRUST_PROXY_HOPS), the address the outermost trusted proxy saw. X-Forwarded-For is
 * never read otherwise: anyone can write it.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trustedHops: number): string {
  const forwarded = [forwardedFor ?? []].flat().flatMap((header) => header.split(','));
  const chain = [...forwarded.map((entry) => entry.trim()).filter(Boolean), peer ?? 'unknown'];
  return addressKey(chain[Math.max(0, chain.length - 1 - trustedHops)] as string);
}

/** One key per IPv4 address, and per /64 for IPv6: a single host usually holds a whole /64. */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (isIPv4(address) || !isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''));
}
