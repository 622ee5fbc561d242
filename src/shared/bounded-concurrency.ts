/** How long a task may wait for its turn before it is refused instead of run. */
export interface WaitLimit {
  /** The longest wait, in ms, asked when a task's turn comes (a bound that follows a measured rate). */
  maxWaitMs: () => number;
  /** Milliseconds from any fixed origin (performance.now unless a test steps it). */
  now?: () => number;
}

interface Waiter {
  since: number;
  start: () => void;
  refuse: (error: Error) => void;
}

/**
 * At most `limit` tasks at a time, and at most `maxWaiting` waiting for a turn; a task
 * beyond that is refused at once with `whenFull()`, so a burst is answered instead of
 * queueing without bound (memory, and clients waiting on requests that will time out).
 * With a `WaitLimit`, a task whose turn comes after it waited longer than allowed is refused
 * with `whenFull()` too, and the turn passes on: the room is sized from an estimate made at
 * arrival, and the wait stays bounded when the tasks ahead turned out slower than it said.
 */
export class BoundedConcurrency {
  private active = 0;
  private readonly waiting: Waiter[] = [];
  private readonly now: () => number;

  /** `maxWaiting`: a number, or asked anew at each arrival (a room sized by a measured rate). */
  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number | (() => number),
    private readonly whenFull: () => Error,
    private readonly waitLimit?: WaitLimit,
  ) {
    if (limit < 1 || (typeof maxWaiting === 'number' && maxWaiting < 0)) throw new Error('BoundedConcurrency needs limit >= 1 and maxWaiting >= 0');
    this.now = waitLimit?.now ?? (() => performance.now());
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
      await new Promise<void>((start, refuse) => this.waiting.push({ since: this.now(), start, refuse }));
    }
    try {
      return await task();
    } finally {
      this.handOver();
    }
  }

  /** The freed slot goes to the first waiter still within its wait; those past it are refused. */
  private handOver(): void {
    const maxWaitMs = this.waitLimit?.maxWaitMs();
    for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
      if (maxWaitMs !== undefined && this.now() - next.since > maxWaitMs) {
        next.refuse(this.whenFull());
        continue;
      }
      next.start();
      return;
    }
    this.active--;
  }

  private room(): number {
    return typeof this.maxWaiting === 'number' ? this.maxWaiting : Math.max(0, this.maxWaiting());
  }
}
