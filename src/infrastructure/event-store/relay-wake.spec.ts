import type { HotReads } from '../database/hot-reads';
import { coalescingWindowMs, EVENTS_CHANNEL, OUTBOX_COALESCE_MAX_MS, OUTBOX_COALESCE_MS, OUTBOX_EARLY_START, RelayWake } from './relay-wake';

/** A pool whose statements answer only when the test says so. */
function pool() {
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const sent: unknown[][] = [];
  const times: number[] = [];
  const rows = jest.fn((_name: string, _text: string, values: unknown[]) => {
    sent.push(values);
    times.push(Date.now());
    return new Promise<never[]>((resolve, reject) => pending.push({ resolve: () => resolve([]), reject }));
  });
  return { hotReads: { rows } as unknown as HotReads, sent, times, waiting: () => pending.length, answer: () => pending.shift()!.resolve(), fail: (error: Error) => pending.shift()!.reject(error) };
}

// lets the answered statement's callbacks run (no time passes)
const settle = () => jest.advanceTimersByTimeAsync(0);

describe(RelayWake.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('notifies the relays channel at once when nothing is under way', () => {
    const p = pool();
    new RelayWake(p.hotReads).wake();
    expect(p.sent).toEqual([[EVENTS_CHANNEL, '1']]);
  });

  it('sends one notification at a time: the commits meanwhile share the next one, at the window’s end', async () => {
    const p = pool();
    const sut = new RelayWake(p.hotReads);
    sut.wake();
    sut.wake();
    sut.wake();
    expect(p.sent).toHaveLength(1);
    p.answer();
    await settle();
    sut.wake();
    expect(p.sent).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(OUTBOX_COALESCE_MAX_MS - 1);
    expect(p.sent).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(p.sent).toHaveLength(2);
    p.answer();
    await jest.advanceTimersByTimeAsync(10 * OUTBOX_COALESCE_MAX_MS);
    expect(p.sent).toHaveLength(2);
  });

  it('notifies a commit within the window after a notification at the window’s end, not at once', async () => {
    const p = pool();
    const sut = new RelayWake(p.hotReads);
    sut.wake();
    p.answer();
    await jest.advanceTimersByTimeAsync(OUTBOX_COALESCE_MAX_MS / 2);
    sut.wake();
    sut.wake();
    expect(p.sent).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(OUTBOX_COALESCE_MAX_MS / 2);
    expect(p.sent).toHaveLength(2);
  });

  it('notifies a burst after a quiet spell every OUTBOX_COALESCE_MS ms from its start, telling how many commits each covers', async () => {
    const p = pool();
    const sut = new RelayWake(p.hotReads);
    for (let ms = 0; ms < 2 * OUTBOX_COALESCE_MAX_MS + 100; ms++) {
      sut.wake();
      while (p.waiting()) p.answer();
      await jest.advanceTimersByTimeAsync(1);
    }
    const gaps = p.times.slice(1).map((time, i) => time - p.times[i]);
    // the window chosen from the quiet spell's notification is the widest, but OUTBOX_EARLY_START.items commits do not wait it out
    expect(OUTBOX_EARLY_START.items).toBeLessThan(OUTBOX_COALESCE_MS);
    expect(gaps).toEqual(gaps.map(() => OUTBOX_COALESCE_MS));
    expect(gaps.length).toBeGreaterThan(5);
    // the second covers the commits of the ms after the first; the notification goes before the commit of its own ms
    expect(p.sent.map(([, payload]) => payload)).toEqual(['1', String(OUTBOX_COALESCE_MS - 1), ...gaps.slice(1).map(() => String(OUTBOX_COALESCE_MS))]);
  });

  it('holds fewer commits than OUTBOX_EARLY_START.items for the window', async () => {
    const p = pool();
    const sut = new RelayWake(p.hotReads);
    sut.wake();
    p.answer();
    await settle();
    for (let i = 1; i < OUTBOX_EARLY_START.items; i++) sut.wake();
    await jest.advanceTimersByTimeAsync(OUTBOX_COALESCE_MAX_MS - 1);
    expect(p.sent).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(p.sent).toEqual([
      [EVENTS_CHANNEL, '1'],
      [EVENTS_CHANNEL, String(OUTBOX_EARLY_START.items - 1)],
    ]);
  });

  it('notifies a commit after a quiet spell at once', async () => {
    const p = pool();
    const sut = new RelayWake(p.hotReads);
    sut.wake();
    p.answer();
    await jest.advanceTimersByTimeAsync(OUTBOX_COALESCE_MAX_MS);
    sut.wake();
    expect(p.sent).toHaveLength(2);
  });

  it('survives a failed notification and sends the next one', async () => {
    const p = pool();
    const sut = new RelayWake(p.hotReads);
    sut.wake();
    p.fail(new Error('connection refused'));
    await jest.advanceTimersByTimeAsync(OUTBOX_COALESCE_MAX_MS);
    sut.wake();
    expect(p.sent).toHaveLength(2);
  });

  it('waits for the notification under way when the application shuts down, and sends none after', async () => {
    const p = pool();
    const sut = new RelayWake(p.hotReads);
    sut.wake();
    sut.wake();
    let stopped = false;
    const stopping = sut.beforeApplicationShutdown().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    p.answer();
    await stopping;
    await jest.advanceTimersByTimeAsync(10 * OUTBOX_COALESCE_MAX_MS);
    sut.wake();
    expect(p.sent).toHaveLength(1);
  });

  describe(coalescingWindowMs.name, () => {
    it('is OUTBOX_COALESCE_MS at 500 events a second and above', () => {
      expect(coalescingWindowMs(10, 5)).toBe(OUTBOX_COALESCE_MS);
      expect(coalescingWindowMs(10, 500)).toBe(OUTBOX_COALESCE_MS);
    });

    it('leaves room for four events at 30 a second', () => {
      expect(coalescingWindowMs(100, 3)).toBeCloseTo(133.3, 1);
    });

    it('is OUTBOX_COALESCE_MAX_MS at low rates, after a quiet spell and after a pass that found nothing', () => {
      expect(coalescingWindowMs(100, 1)).toBe(OUTBOX_COALESCE_MAX_MS);
      expect(coalescingWindowMs(Number.POSITIVE_INFINITY, 1)).toBe(OUTBOX_COALESCE_MAX_MS);
      expect(coalescingWindowMs(1000, 0)).toBe(OUTBOX_COALESCE_MAX_MS);
    });
  });
});
