import { BlockList, isIP } from 'node:net';

/** One entry of the organization's IP allow-list; `roles` absent means everyone. */
export interface IpRule {
  cidr: string;
  roles?: string[];
}

export interface ParsedCidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** An address as the allow-list compares it: IPv4-mapped IPv6 (what a dual-stack socket reports) as plain IPv4. */
export function normalizeAddress(address: string): string | null {
  const bare = address.trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = MAPPED_V4.exec(bare);
  const candidate = mapped ? mapped[1] : bare;
  return isIP(candidate) ? candidate.toLowerCase() : null;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128); null when malformed. */
export function parseCidr(text: string): ParsedCidr | null {
  const [address, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || !address) return null;
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return null;
  return { address: address.toLowerCase(), prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

// compiled once per rule list: the cached policy document is the same object request after request
const compiled = new WeakMap<readonly IpRule[], BlockList[]>();

function matchers(rules: readonly IpRule[]): BlockList[] {
  let lists = compiled.get(rules);
  if (!lists) {
    lists = rules.map((rule) => {
      const list = new BlockList();
      const cidr = parseCidr(rule.cidr);
      if (cidr) list.addSubnet(cidr.address, cidr.prefix, cidr.family);
      return list;
    });
    compiled.set(rules, lists);
  }
  return lists;
}

/** The indexes of the rules whose range holds `address` (none for an unknown or malformed address). */
export function matchingRules(rules: readonly IpRule[], address: string | null): number[] {
  const normalized = address === null ? null : normalizeAddress(address);
  if (normalized === null) return [];
  const family = isIP(normalized) === 4 ? 'ipv4' : 'ipv6';
  const lists = matchers(rules);
  return rules.flatMap((_, index) => (lists[index].check(normalized, family) ? [index] : []));
}

/** The rules that bind a role: those that name it, and those that name no role. */
export function applicableIpRules(rules: readonly IpRule[], role: string): number[] {
  return rules.flatMap((rule, index) => (!rule.roles || rule.roles.includes(role) ? [index] : []));
}
