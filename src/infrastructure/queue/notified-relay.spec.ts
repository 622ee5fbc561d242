import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import type { EarlyStart } from './coalesced-runs';
import { NotifiedRelay, notifiedRows } from './notified-relay';

/** A relay whose passes only count themselves; each takes `passMs` of (fake) time. */
class CountingRelay extends NotifiedRelay {
  protected readonly logger = new Logger('test');
  passes = 0;
  passMs = 0;
  rows = 0;
  windows: [number, number][] = [];

  constructor(early?: EarlyStart) {
    super('test_channel', { values: { appRole: 'worker', outbox: { pollIntervalMs: 1000, batchSize: 500 } } } as unknown as AppConfig, early);
  }

  protected override coalesceAfter(sincePreviousMs: number, moved: number): number {
    this.windows.push([sincePreviousMs, moved]);
    return 10;
  }

  async relayBatch(): Promise<number> {
    this.passes++;
    if (this.passMs) await new Promise((resolve) => setTimeout(resolve, this.passMs));
    return this.rows;
  }
}

describe(NotifiedRelay.name, () => {
  let sut: CountingRelay;
  const settle = async (ms = 0) => {
    await jest.advanceTimersByTimeAsync(ms);
  };

  beforeEach(() => {
    jest.useFakeTimers();
    sut = new CountingRelay();
  });

  afterEach(async () => {
    const stopped = sut.beforeApplicationShutdown();
    await jest.runAllTimersAsync();
    await stopped;
    jest.useRealTimers();
  });

  it('starts a pass at once after a quiet spell', async () => {
    sut.wake();
    await settle();
    expect(sut.passes).toBe(1);
    await settle(50);
    sut.wake();
    await settle();
    expect(sut.passes).toBe(2);
  });

  it('folds the wake-ups within the window after a pass’s start into one pass at the window’s end', async () => {
    sut.wake();
    await settle();
    for (let i = 0; i < 5; i++) {
      await settle(1);
      sut.wake();
    }
    expect(sut.passes).toBe(1);
    await settle(4);
    expect(sut.passes).toBe(1);
    await settle(1);
    expect(sut.passes).toBe(2);
    await settle(50);
    expect(sut.passes).toBe(2);
  });

  it('runs once more after a pass that wake-ups arrived during, and no more', async () => {
    sut.passMs = 30;
    sut.wake();
    await settle(5);
    sut.wake();
    sut.wake();
    await settle(24);
    expect(sut.passes).toBe(1);
    await settle(1);
    expect(sut.passes).toBe(2);
    await settle(100);
    expect(sut.passes).toBe(2);
  });

  it('starts nothing once shut down, not even a deferred pass', async () => {
    sut.wake();
    await settle();
    sut.wake();
    await sut.beforeApplicationShutdown();
    await settle(50);
    expect(sut.passes).toBe(1);
  });

  it('chooses each window from the time since the pass before the previous one began and the rows both moved', async () => {
    sut.rows = 3;
    sut.wake();
    await settle(30);
    sut.wake();
    await settle(20);
    sut.rows = 1;
    sut.wake();
    await settle();
    expect(sut.windows).toEqual([
      [Number.POSITIVE_INFINITY, 3],
      [Number.POSITIVE_INFINITY, 6],
      [50, 4],
    ]);
  });

  it('counts every batch of a pass that drained full batches', async () => {
    let left = 1200;
    jest.spyOn(sut, 'relayBatch').mockImplementation(() => {
      const batch = Math.min(left, 500);
      left -= batch;
      return Promise.resolve(batch);
    });
    sut.wake();
    await settle();
    expect(sut.windows).toEqual([[Number.POSITIVE_INFINITY, 1200]]);
  });

  it('starts a pass early once the notifications since the last one began tell of enough rows, and no earlier than the early start’s gap', async () => {
    sut = new CountingRelay({ items: 4, afterMs: 2 });
    sut.wake();
    await settle();
    sut.wake(notifiedRows('3'));
    await settle(1);
    sut.wake(notifiedRows(''));
    expect(sut.passes).toBe(1);
    await settle(1);
    expect(sut.passes).toBe(2);
    // fewer rows than that wait out the window
    sut.wake(notifiedRows('3'));
    await settle(9);
    expect(sut.passes).toBe(2);
    await settle(1);
    expect(sut.passes).toBe(3);
  });

  it('counts a notification without a count, or with a payload that is not one, as one row', () => {
    expect(['', undefined, '0', '-2', '1.5', 'x', '1e400'].map(notifiedRows)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(notifiedRows('12')).toBe(12);
  });
});
