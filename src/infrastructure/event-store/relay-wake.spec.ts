import type { HotReads } from '../database/hot-reads';
import { EVENTS_CHANNEL, OUTBOX_COALESCE_MS, RelayWake } from './relay-wake';

/** A pool whose statements answer only when the test says so. */
function pool() {
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const sent: unknown[][] = [];
  const rows = jest.fn((_name: string, _text: string, values: unknown[]) => {
    sent.push(values);
    return new Promise<never[]>((resolve, reject) => pending.push({ resolve: () => resolve([]), reject }));
  });
  return { hotReads: { rows } as unknown as HotReads, sent, answer: () => pending.shift()!.resolve(), fail: (error: Error) => pending.shift()!.reject(error) };
}

// lets the answered statement's callbacks run (no time passes)
const settle = () => jest.advanceTimersByTimeAsync(0);

describe(RelayWake.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('notifies the relays channel at once when nothing is under way', () => {
    const p = pool();
    new RelayWake(p.hotReads).wake();
    expect(p.sent).toEqual([[EVENTS_CHANNEL, '']]);
  });

  it(`sends one notification at a time and at most one per ${OUTBOX_COALESCE_MS} ms: the commits meanwhile share the next one`, async () => {
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
    await jest.advanceTimersByTimeAsync(OUTBOX_COALESCE_MS);
    expect(p.sent).toHaveLength(2);
    p.answer();
    await jest.advanceTimersByTimeAsync(10 * OUTBOX_COALESCE_MS);
    expect(p.sent).toHaveLength(2);
  });

  it('notifies a commit after a quiet spell at once', async () => {
    const p = pool();
    const sut = new RelayWake(p.hotReads);
    sut.wake();
    p.answer();
    await jest.advanceTimersByTimeAsync(5 * OUTBOX_COALESCE_MS);
    sut.wake();
    expect(p.sent).toHaveLength(2);
  });

  it('survives a failed notification and sends the next one', async () => {
    const p = pool();
    const sut = new RelayWake(p.hotReads);
    sut.wake();
    p.fail(new Error('connection refused'));
    await jest.advanceTimersByTimeAsync(OUTBOX_COALESCE_MS);
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
    await jest.advanceTimersByTimeAsync(10 * OUTBOX_COALESCE_MS);
    sut.wake();
    expect(p.sent).toHaveLength(1);
  });
});
