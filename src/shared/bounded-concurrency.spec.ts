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
});
