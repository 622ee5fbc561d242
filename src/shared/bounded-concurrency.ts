/**
 * At most `limit` tasks at a time, and at most `maxWaiting` waiting for a turn; a task
 * beyond that is refused at once with `whenFull()`, so a burst is answered instead of
 * queueing without bound (memory, and clients waiting on requests that will time out).
 */
export class BoundedConcurrency {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  /** `maxWaiting`: a number, or asked anew at each arrival (a room sized by a measured rate). */
  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number | (() => number),
    private readonly whenFull: () => Error,
  ) {
    if (limit < 1 || (typeof maxWaiting === 'number' && maxWaiting < 0)) throw new Error('BoundedConcurrency needs limit >= 1 and maxWaiting >= 0');
  }

  /** Tasks waiting for a turn now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Whether a task arriving now would run or wait rather than be refused. */
  hasRoom(): boolean {
    return this.active < this.limit || this.waiting.length < this.room();
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) {
      this.active++;
    } else {
      if (this.waiting.length >= this.room()) throw this.whenFull();
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

  private room(): number {
    return typeof this.maxWaiting === 'number' ? this.maxWaiting : Math.max(0, this.maxWaiting());
  }
}
