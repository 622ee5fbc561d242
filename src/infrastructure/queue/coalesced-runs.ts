/** Items enough for a run to start before its window ends, and the least time between two runs' starts then. */
export interface EarlyStart {
  items: number;
  afterMs: number;
}

/**
 * Runs some work one at a time, folding the wake-ups that come close together into one run.
 * A wake-up during a run runs it once more afterwards; one within the window since the last
 * run began waits for the window's end, joined by those that come meanwhile; one after a
 * quiet spell starts at once. The window is chosen when a run ends, from the time since the
 * run before the previous one began and the items the last two runs carried (each run answers
 * its count): a run that found little right after a full one (its items taken by that one)
 * would otherwise read as a low rate and widen the window for nothing. With `early`, the
 * wake-ups tell how many items they bring, and once those waiting reach `early.items` the run
 * starts `early.afterMs` after the last one began whatever the window: the window follows the
 * rate only from the runs' counts, so when items start coming fast after a quiet spell (whose
 * runs carried one or two), it is still the widest for the first runs of the burst.
 */
export class CoalescedRuns {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private windowMs = 0;
  private previous = { sinceMs: 0, carried: 0 };
  private deferred: { timer: NodeJS.Timeout; at: number } | null = null;
  /** Items the wake-ups since the last run began brought. */
  private waiting = 0;

  constructor(
    private readonly run: () => Promise<number>,
    private readonly windowAfter: (sinceMs: number, carried: number) => number,
    private readonly early?: EarlyStart,
  ) {}

  wake(items = 1): void {
    if (this.stopped) return;
    this.waiting += items;
    if (this.running) {
      this.again = true;
      return;
    }
    const windowMs = this.early && this.waiting >= this.early.items ? Math.min(this.windowMs, this.early.afterMs) : this.windowMs;
    const now = performance.now();
    const wait = this.lastStart + windowMs - now;
    if (wait > 0) {
      this.deferTo(now + wait);
      return;
    }
    if (this.deferred) clearTimeout(this.deferred.timer);
    this.deferred = null;
    this.waiting = 0;
    const sincePrevious = now - this.lastStart;
    this.lastStart = now;
    this.running = this.run()
      .catch(() => 0)
      .then((carried) => {
        this.windowMs = this.windowAfter(this.previous.sinceMs + sincePrevious, this.previous.carried + carried);
        this.previous = { sinceMs: sincePrevious, carried };
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake(0);
        }
      });
  }

  /** Starts nothing more, not even a deferred run; waits for the one under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.deferred) clearTimeout(this.deferred.timer);
    await this.running;
  }

  /** A run at `at` (ms, performance.now()), unless one is due sooner. */
  private deferTo(at: number): void {
    if (this.deferred && this.deferred.at <= at) return;
    if (this.deferred) clearTimeout(this.deferred.timer);
    this.deferred = {
      at,
      timer: setTimeout(() => {
        this.deferred = null;
        this.wake(0);
      }, at - performance.now()),
    };
  }
}
