import { RefusalMemory, RefusalSampler } from './rate-limits';

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
