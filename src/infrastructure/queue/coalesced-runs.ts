/**
 * Runs some work one at a time, folding the wake-ups that come close together into one run.
 * A wake-up during a run runs it once more afterwards; one within the window since the last
 * run began waits for the window's end, joined by those that come meanwhile; one after a
 * quiet spell starts at once. The window is chosen when a run ends, from the time since the
 * run before the previous one began and the items the last two runs carried (each run answers
 * its count): a run that found little right after a full one (its items taken by that one)
 * would otherwise read as a low rate and widen the window for nothing.
 */
export class CoalescedRuns {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private windowMs = 0;
  private previous = { sinceMs: 0, carried: 0 };
  private deferred: NodeJS.Timeout | null = null;

  constructor(
    private readonly run: () => Promise<number>,
    private readonly windowAfter: (sinceMs: number, carried: number) => number,
  ) {}

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.deferred) return;
    const wait = this.lastStart + this.windowMs - performance.now();
    if (wait > 0) {
      this.deferred = setTimeout(() => {
        this.deferred = null;
        this.wake();
      }, wait);
      return;
    }
    const started = performance.now();
    const sincePrevious = started - this.lastStart;
    this.lastStart = started;
    this.running = this.run()
      .catch(() => 0)
      .then((carried) => {
        this.windowMs = this.windowAfter(this.previous.sinceMs + sincePrevious, this.previous.carried + carried);
        this.previous = { sinceMs: sincePrevious, carried };
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Starts nothing more, not even a deferred run; waits for the one under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.deferred) clearTimeout(this.deferred);
    await this.running;
  }
}
