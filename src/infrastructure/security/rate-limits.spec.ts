import { Logger } from '@nestjs/common';
import { RateLimiterRes, type RateLimiterRedis } from 'rate-limiter-flexible';
import { Limit, RefusalMemory, RefusalSampler } from './rate-limits';

describe(RefusalMemory.name, () => {
  it('refuses a key from memory until the window Redis named ends, then forgets it', () => {
    let now = 1_000_000;
    const sut = new RefusalMemory(() => now);
    expect(sut.refusedFor('10.0.0.1')).toBeNull();
    sut.remember('10.0.0.1', 2_500);
    expect(sut.refusedFor('10.0.0.1')).toBe(3);
    expect(sut.refusedFor('10.0.0.2')).toBeNull();
    now += 2_000;
    expect(sut.refusedFor('10.0.0.1')).toBe(1);
    now += 501;
    expect(sut.refusedFor('10.0.0.1')).toBeNull();
  });

  it('keeps a bounded number of keys, dropping the oldest', () => {
    const sut = new RefusalMemory(() => 0);
    for (let i = 0; i <= 10_000; i++) sut.remember(`a${i}`, 60_000);
    expect(sut.refusedFor('a0')).toBeNull();
    expect(sut.refusedFor('a10000')).toBe(60);
  });
});

describe(RefusalSampler.name, () => {
  it('answers the count at 1, 10, 100 … within a window, per key, and starts again with the next window', () => {
    let now = 0;
    const sut = new RefusalSampler(60, () => now);
    const sampled = Array.from({ length: 120 }, () => sut.count('busy')).filter((c) => c !== null);
    expect(sampled).toEqual([1, 10, 100]);
    expect(sut.count('other')).toBe(1);
    now += 60_000;
    expect(sut.count('busy')).toBe(1);
  });
});

describe(Limit.name, () => {
  const refused = () => Object.assign(new RateLimiterRes(), { consumedPoints: 61, remainingPoints: 0, msBeforeNext: 30_000 });

  it('refuses from memory, without Redis, a key Redis refused, when it remembers refusals', async () => {
    const consume = jest.fn().mockRejectedValueOnce(refused()).mockResolvedValue(Object.assign(new RateLimiterRes(), { consumedPoints: 1, remainingPoints: 59 }));
    const limiter = { consume, points: 60 } as unknown as RateLimiterRedis;
    const sut = new Limit('anon-anonymous', limiter, new Logger('test'), new RefusalMemory());
    await expect(sut.consume('10.0.0.9')).resolves.toMatchObject({ allowed: false, retryAfterSeconds: 30 });
    await expect(sut.consume('10.0.0.9')).resolves.toMatchObject({ allowed: false, retryAfterSeconds: 30 });
    expect(sut.refusedLocally('10.0.0.9')).toBe(30);
    expect(consume).toHaveBeenCalledTimes(1);
    await expect(sut.consume('10.0.0.10')).resolves.toMatchObject({ allowed: true });
  });

  it('asks Redis every time when it does not remember refusals (a lockout an unlock may lift)', async () => {
    const consume = jest.fn().mockRejectedValue(refused());
    const sut = new Limit('signin-pair', { consume, points: 60 } as unknown as RateLimiterRedis, new Logger('test'));
    await sut.consume('k');
    await sut.consume('k');
    expect(consume).toHaveBeenCalledTimes(2);
    expect(sut.refusedLocally('k')).toBeNull();
  });
});
