import { type BeforeApplicationShutdown, type Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Client } from 'pg';
import type { AppConfig } from '../config/app-config';

const ENQUEUE_TIMEOUT_MS = 5000;

/** Redis accepting a job must not hold a relay pass forever: fail it, the rows stay for later. */
export function enqueueWithin<T>(promise: Promise<T>, ms = ENQUEUE_TIMEOUT_MS): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`enqueue timed out after ${ms} ms`)), ms).unref()),
  ]);
}

/**
 * The loop shared by the relays that move committed rows (events, mails) from PostgreSQL
 * to BullMQ: woken by LISTEN/NOTIFY on `channel`, polling as the fallback, one pass at a
 * time, repeated while passes come back full. Runs only where workers run, and stops
 * before the ORM and Redis connections close.
 */
export abstract class NotifiedRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected abstract readonly logger: Logger;
  /**
   * The least time from one pass's start to the next's. A pass has a fixed cost (its
   * statements and round trips) whatever it carries: with commits arriving one by one,
   * every notification would otherwise start a pass of one or two rows. A wake-up in the
   * window waits for its end and joins the others that came meanwhile; one after a quiet
   * spell still starts at once.
   */
  protected readonly coalesceMs: number = 0;
  private listener: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private deferred: NodeJS.Timeout | null = null;

  protected constructor(
    private readonly channel: string,
    protected readonly config: AppConfig,
  ) {}

  /** Moves one batch; answers how many rows it moved. */
  abstract relayBatch(): Promise<number>;

  onApplicationBootstrap(): void {
    if (this.config.values.appRole === 'api') return;
    this.timer = setInterval(() => this.wake(), this.config.values.outbox.pollIntervalMs);
    void this.listen();
    this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.deferred) clearTimeout(this.deferred);
    await this.listener?.end().catch(() => undefined);
    await this.running;
  }

  /** Runs a pass now, or right after the current one, or once `coalesceMs` passed since the last one began. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.deferred) return;
    const wait = this.lastStart + this.coalesceMs - performance.now();
    if (wait > 0) {
      this.deferred = setTimeout(() => {
        this.deferred = null;
        this.wake();
      }, wait);
      return;
    }
    this.lastStart = performance.now();
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.config.values.databaseUrl });
    client.on('notification', () => this.wake());
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

  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.relayBatch()) === this.config.values.outbox.batchSize) {
        // a full batch: there may be more
      }
    } catch (error) {
      this.logger.warn(`${this.channel} relay paused: ${(error as Error).message}`);
    }
  }
}
