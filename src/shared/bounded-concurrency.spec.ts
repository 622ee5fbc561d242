import { BoundedConcurrency } from './bounded-concurrency';

class Full extends Error {}

/** A task that runs until its `finish` is called. */
function pending(): { task: () => Promise<string>; finish: (value: string) => void; started: () => boolean } {
  let finish!: (value: string) => void;
  let started = false;
  const done = new Promise<string>((resolve) => (finish = resolve));
  return {
    task: () => {
      started = true;
      return done;
    },
    finish: (value) => finish(value),
    started: () => started,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe(BoundedConcurrency.name, () => {
  it('runs up to the limit at once, queues up to maxWaiting, and refuses beyond', async () => {
    const sut = new BoundedConcurrency(2, 1, () => new Full());
    const [a, b, c] = [pending(), pending(), pending()];
    const results = [sut.run(a.task), sut.run(b.task), sut.run(c.task)];
    await tick();
    expect([a.started(), b.started(), c.started()]).toEqual([true, true, false]);
    await expect(sut.run(async () => 'd')).rejects.toBeInstanceOf(Full);

    a.finish('a');
    await tick();
    expect(c.started()).toBe(true);
    b.finish('b');
    c.finish('c');
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c']);
  });

  it('frees the slot of a task that fails', async () => {
    const sut = new BoundedConcurrency(1, 0, () => new Full());
    await expect(sut.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(sut.run(async () => 'next')).resolves.toBe('next');
  });

  it('hands a freed slot to a waiting task rather than to a newcomer', async () => {
    const sut = new BoundedConcurrency(1, 1, () => new Full());
    const [a, b] = [pending(), pending()];
    const first = sut.run(a.task);
    const second = sut.run(b.task);
    a.finish('a');
    await first;
    // b holds the slot now; a newcomer waits behind it, a second newcomer is refused
    const third = sut.run(async () => 'c');
    await expect(sut.run(async () => 'd')).rejects.toBeInstanceOf(Full);
    b.finish('b');
    await expect(Promise.all([second, third])).resolves.toEqual(['b', 'c']);
  });

  it('asks a waiting room given as a function at each arrival, and tells whether one more has room', async () => {
    let room = 1;
    const sut = new BoundedConcurrency(1, () => room, () => new Full());
    const [a, b] = [pending(), pending()];
    const first = sut.run(a.task);
    expect(sut.hasRoom()).toBe(true);
    const second = sut.run(b.task);
    expect(sut.queued).toBe(1);
    expect(sut.hasRoom()).toBe(false);
    await expect(sut.run(async () => 'refused')).rejects.toBeInstanceOf(Full);
    room = 2;
    expect(sut.hasRoom()).toBe(true);
    const third = sut.run(async () => 'c');
    a.finish('a');
    b.finish('b');
    await expect(Promise.all([first, second, third])).resolves.toEqual(['a', 'b', 'c']);
    expect(sut.hasRoom()).toBe(true);
  });

  it('refuses a waiter whose turn comes past its wait limit, passing the slot to the next within it', async () => {
    let now = 0;
    let maxWaitMs = 100;
    const sut = new BoundedConcurrency(1, 3, () => new Full(), { maxWaitMs: () => maxWaitMs, now: () => now });
    const [a, b, c, d] = [pending(), pending(), pending(), pending()];
    const first = sut.run(a.task);
    const late = sut.run(b.task);
    now = 50;
    const inTime = sut.run(c.task);
    // a ran slower than the room expected: b has waited 120 ms when its turn comes, c 70
    now = 120;
    a.finish('a');
    await expect(late).rejects.toBeInstanceOf(Full);
    await tick();
    expect([b.started(), c.started()]).toEqual([false, true]);
    expect(sut.queued).toBe(0);
    // the limit is asked when the turn comes: raised, a long wait still runs
    const patient = sut.run(d.task);
    now = 400;
    maxWaitMs = 1000;
    c.finish('c');
    await tick();
    expect(d.started()).toBe(true);
    d.finish('d');
    await expect(Promise.all([first, inTime, patient])).resolves.toEqual(['a', 'c', 'd']);
  });

  it('frees the slot when every waiter is past its limit', async () => {
    let now = 0;
    const sut = new BoundedConcurrency(1, 2, () => new Full(), { maxWaitMs: () => 10, now: () => now });
    const a = pending();
    const first = sut.run(a.task);
    const waiters = [sut.run(async () => 'b'), sut.run(async () => 'c')];
    now = 11;
    a.finish('a');
    await first;
    const settled = await Promise.allSettled(waiters);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    await expect(sut.run(async () => 'next')).resolves.toBe('next');
  });
});
