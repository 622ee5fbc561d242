import type { Clock } from '../../../shared/clock';
import type { Principal } from '../../../shared/principal';
import type { SigningKeys } from './signing-keys';
import { VerifiedTokens } from './verified-tokens';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const token = (kid: string, exp: number) => `${b64({ alg: 'RS256', kid })}.${b64({ sub: 'u', exp })}.signature`;
const principal = { userId: 'u' } as Principal;

describe(VerifiedTokens.name, () => {
  const now = 1_000_000_000_000;
  const clock: Clock = { now: () => new Date(now) };
  let live: Set<string>;
  let sut: VerifiedTokens;

  beforeEach(() => {
    live = new Set(['k1', 'k2']);
    sut = new VerifiedTokens(clock, { verifies: (kid: string) => live.has(kid) } as SigningKeys);
  });

  it('answers a remembered token until it expires', () => {
    const fresh = token('k1', now / 1000 + 60);
    const stale = token('k1', now / 1000 - 1);
    sut.remember(fresh, principal);
    sut.remember(stale, principal);
    expect(sut.get(fresh)).toBe(principal);
    expect(sut.get(stale)).toBeNull();
  });

  it('drops the tokens of a retired key, and only those', () => {
    const one = token('k1', now / 1000 + 60);
    const two = token('k2', now / 1000 + 60);
    sut.remember(one, principal);
    sut.remember(two, principal);
    sut.forgetKey('k1');
    expect(sut.get(one)).toBeNull();
    expect(sut.get(two)).toBe(principal);
  });

  it('refuses a cached token whose key no longer verifies here, however that was learnt', () => {
    const one = token('k1', now / 1000 + 60);
    sut.remember(one, principal);
    live.delete('k1');
    expect(sut.get(one)).toBeNull();
  });
});
