import { applicableIpRules, matchingRules, normalizeAddress, parseCidr } from './ip-allowlist';

describe('the IP allow-list', () => {
  const rules = [{ cidr: '203.0.113.0/24' }, { cidr: '2001:db8:abcd::/48', roles: ['Administrator'] }, { cidr: '198.51.100.7/32', roles: ['Developer'] }];

  it('parses IPv4 and IPv6 ranges and bare addresses, and refuses malformed ones', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('2001:DB8::/32')).toEqual({ address: '2001:db8::', prefix: 32, family: 'ipv6' });
    expect(parseCidr('192.0.2.1')).toEqual({ address: '192.0.2.1', prefix: 32, family: 'ipv4' });
    for (const bad of ['10.0.0.0/33', '2001:db8::/129', '10.0.0/8', 'example.com/24', '10.0.0.0/8/1', '10.0.0.0/-1', '']) expect(parseCidr(bad)).toBeNull();
  });

  it('matches allowed IPv4 addresses and refuses others', () => {
    expect(matchingRules(rules, '203.0.113.200')).toEqual([0]);
    expect(matchingRules(rules, '203.0.114.1')).toEqual([]);
  });

  it('matches allowed IPv6 addresses and refuses others', () => {
    expect(matchingRules(rules, '2001:db8:abcd:12::1')).toEqual([1]);
    expect(matchingRules(rules, '2001:db8:abce::1')).toEqual([]);
  });

  it('reads an IPv4-mapped IPv6 address (a dual-stack socket) as the IPv4 address it is', () => {
    expect(normalizeAddress('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(matchingRules(rules, '::ffff:203.0.113.9')).toEqual([0]);
  });

  it('matches nothing for an unknown or malformed address', () => {
    expect(matchingRules(rules, null)).toEqual([]);
    expect(matchingRules(rules, 'not an address')).toEqual([]);
  });

  it('binds a role by the entries naming it and those naming no role', () => {
    expect(applicableIpRules(rules, 'Administrator')).toEqual([0, 1]);
    expect(applicableIpRules(rules, 'Developer')).toEqual([0, 2]);
    expect(applicableIpRules(rules, 'Viewer')).toEqual([0]);
  });
});
