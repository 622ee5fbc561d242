import type { Logger } from '@nestjs/common';

/**
 * A job a worker runs every interval (checkpoints, retention, alert digests, weekly digests,
 * invitation expiry): never two runs of it at once in the process (a tick while one runs is skipped, and
 * `now()` joins the run under way), a failed run logged and retried at the next tick, and
 * `stop()` waiting for the run under way so a shutdown does not cut it.
 */
export class PeriodicRun<T> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<T> | null = null;

  constructor(
    private readonly what: string,
    private readonly run: () => Promise<T>,
    private readonly logger: Logger,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.now().catch((error: Error) => this.logger.warn(`${this.what} failed: ${error.message}`)), intervalMs);
  }

  /** A run now, or the one under way. */
  now(): Promise<T> {
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
