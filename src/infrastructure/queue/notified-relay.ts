import { type BeforeApplicationShutdown, type Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Client } from 'pg';
import type { AppConfig } from '../config/app-config';
import { CoalescedRuns, type EarlyStart } from './coalesced-runs';

const ENQUEUE_TIMEOUT_MS = 5000;

/** Redis accepting a job must not hold a relay pass forever: fail it, the rows stay for later. */
export function enqueueWithin<T>(promise: Promise<T>, ms = ENQUEUE_TIMEOUT_MS): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`enqueue timed out after ${ms} ms`)), ms).unref()),
  ]);
}

/** The rows a notification tells of: its payload as a count, one without (a poll, a bare NOTIFY). */
export function notifiedRows(payload: string | undefined): number {
  const rows = Number(payload);
  return Number.isSafeInteger(rows) && rows > 0 ? rows : 1;
}

/**
 * The loop shared by the relays that move committed rows (events, mails) from PostgreSQL
 * to BullMQ: woken by LISTEN/NOTIFY on `channel`, polling as the fallback, one pass at a
 * time, repeated while passes come back full. Runs only where workers run, and stops
 * before the ORM and Redis connections close.
 */
export abstract class NotifiedRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected abstract readonly logger: Logger;
  private listener: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Passes one at a time, those woken close together folded into one (see `coalesceAfter`). */
  private readonly runs: CoalescedRuns;

  /**
   * `early`: with a window chosen, a pass still starts `early.afterMs` after the last began once
   * the notifications since tell of `early.items` rows (a notification's payload counts them; none is one).
   */
  protected constructor(
    private readonly channel: string,
    protected readonly config: AppConfig,
    early?: EarlyStart,
  ) {
    this.runs = new CoalescedRuns(
      () => this.drain(),
      (sinceMs, moved) => this.coalesceAfter(sinceMs, moved),
      early,
    );
  }

  /** Moves one batch; answers how many rows it moved. */
  abstract relayBatch(): Promise<number>;

  /**
   * The least time from one pass's start to the next's, chosen when a pass ends from the time
   * since the pass before the previous one began and the rows the last two passes moved. A pass has a fixed cost (its
   * statements and round trips) whatever it carries: with commits arriving one by one, every
   * notification would otherwise start a pass of one or two rows. None by default.
   */
  protected coalesceAfter(_sinceMs: number, _moved: number): number {
    return 0;
  }

  onApplicationBootstrap(): void {
    if (this.config.values.appRole === 'api') return;
    this.timer = setInterval(() => this.wake(), this.config.values.outbox.pollIntervalMs);
    void this.listen();
    this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.listener?.end().catch(() => undefined);
    await this.runs.stop();
  }

  /** Runs a pass now, or right after the current one, or once the window since the last one began has passed. */
  wake(rows = 1): void {
    if (!this.stopped) this.runs.wake(rows);
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.config.values.databaseUrl });
    client.on('notification', (message) => this.wake(notifiedRows(message.payload)));
    client.on('error', (error) => {
      this.logger.warn(`${this.channel} listener lost its connection (${error.message}); polling until it is back`);
      this.listener = null;
      setTimeout(() => void this.listen(), 2000).unref();
    });
    try {
      await client.connect();
      await client.query(`listen ${this.channel}`);
      this.listener = client;
      if (this.stopped) await client.end();
    } catch (error) {
      this.logger.warn(`${this.channel} listener could not connect (${(error as Error).message}); polling meanwhile`);
      await client.end().catch(() => undefined);
      setTimeout(() => void this.listen(), 2000).unref();
    }
  }

  /** Batches until one comes back short; answers how many rows they moved. */
  private async drain(): Promise<number> {
    let moved = 0;
    try {
      while (!this.stopped) {
        const batch = await this.relayBatch();
        moved += batch;
        if (batch !== this.config.values.outbox.batchSize) break;
      }
    } catch (error) {
      this.logger.warn(`${this.channel} relay paused: ${(error as Error).message}`);
    }
    return moved;
  }
}
