import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { HotReads } from '../database/hot-reads';

/** The channel every instance's outbox relay LISTENs on. */
export const EVENTS_CHANNEL = 'gatehouse_events';

const NOTIFY_STATEMENT = { name: 'gatehouse_wake_relays', text: 'select pg_notify($1, $2)' };

/**
 * Wakes the outbox relays of every instance once a transaction that appended events has
 * committed. Not a NOTIFY inside that transaction: PostgreSQL takes one lock per database at
 * the commit of every notifying transaction and holds it through the commit's WAL flush, so
 * the commits of every command, whatever its organization, went one after another. A
 * pg_notify on its own writes no WAL before its commit, which therefore waits for no flush,
 * and holds that lock only for a moment. One notification at a time per process: the commits
 * that come meanwhile share the next one. A process that dies between a commit and its
 * notification delays the consumers until the relays' poll and loses nothing: the outbox row
 * committed with the event.
 */
@Injectable()
export class RelayWake implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RelayWake.name);
  private sending: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly pool: HotReads) {}

  /** Sends a notification now, or right after the one under way. */
  wake(): void {
    if (this.stopped) return;
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = this.pool
      .rows(NOTIFY_STATEMENT.name, NOTIFY_STATEMENT.text, [EVENTS_CHANNEL, ''])
      .then(
        () => undefined,
        (error: Error) => this.logger.warn(`waking the outbox relays failed (their poll will find the events): ${error.message}`),
      )
      .finally(() => {
        this.sending = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.sending;
  }
}
