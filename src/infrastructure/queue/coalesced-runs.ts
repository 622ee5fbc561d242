/**
 * Runs some work one at a time, folding the wake-ups that come close together into one run.
 * A wake-up during a run runs it once more afterwards; one within the window since the last
 * run began waits for the window's end, joined by those that come meanwhile; one after a
 * quiet spell starts at once. The window is chosen when a run ends, from how long before it
 * the previous run began and how many items the run carried (the run answers that).
 */
export class CoalescedRuns {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private windowMs = 0;
  private deferred: NodeJS.Timeout | null = null;

  constructor(
    private readonly run: () => Promise<number>,
    private readonly windowAfter: (sincePreviousMs: number, carried: number) => number,
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
        this.windowMs = this.windowAfter(sincePrevious, carried);
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
