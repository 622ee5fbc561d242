/**
 * At most `limit` tasks at a time, and at most `maxWaiting` waiting for a turn; a task
 * beyond that is refused at once with `whenFull()`, so a burst is answered instead of
 * queueing without bound (memory, and clients waiting on requests that will time out).
 */
export class BoundedConcurrency {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
    private readonly whenFull: () => Error,
  ) {
    if (limit < 1 || maxWaiting < 0) throw new Error('BoundedConcurrency needs limit >= 1 and maxWaiting >= 0');
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) {
      this.active++;
    } else {
      if (this.waiting.length >= this.maxWaiting) throw this.whenFull();
      // the finishing task hands its slot over, so `active` stays counted
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
