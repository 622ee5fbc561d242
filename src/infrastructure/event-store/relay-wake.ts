import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { HotReads } from '../database/hot-reads';

/** The channel every instance's outbox relay LISTENs on. */
export const EVENTS_CHANNEL = 'gatehouse_events';

/**
 * A few ms between relay passes: at 400 commits a second a pass then carries several events
 * for the same fixed cost, and a lone event still goes at once (well inside the 100 ms lag goal).
 * Notifications closer together than this buy nothing: a relay joins them into its next pass.
 */
export const OUTBOX_COALESCE_MS = 10;

const NOTIFY_STATEMENT = { name: 'gatehouse_wake_relays', text: 'select pg_notify($1, $2)' };

/**
 * Wakes the outbox relays of every instance once a transaction that appended events has
 * committed. Not a NOTIFY inside that transaction: PostgreSQL takes one lock per database at
 * the commit of every notifying transaction and holds it through the commit's WAL flush, so
 * the commits of every command, whatever its organization, went one after another. A
 * pg_notify on its own writes no WAL before its commit, which therefore waits for no flush,
 * and holds that lock only for a moment. It costs this process a round trip, so one is under
 * way at a time: a commit after a quiet spell wakes the relays at once, and the commits that
 * come meanwhile share the next notification, sent `OUTBOX_COALESCE_MS` after the last began
 * (sooner would only join the relay's next pass). A process
 * that dies between a commit and its notification delays the consumers until the relays'
 * poll and loses nothing: the outbox row committed with the event.
 */
@Injectable()
export class RelayWake implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RelayWake.name);
  private sending: Promise<void> | null = null;
  private due = false;
  private stopped = false;

  constructor(private readonly pool: HotReads) {}

  /** A transaction that appended events committed: the relays hear of it now or with the next notification. */
  wake(): void {
    if (this.stopped) return;
    this.due = true;
    this.sending ??= this.send().finally(() => (this.sending = null));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.sending;
  }

  private async send(): Promise<void> {
    while (this.due && !this.stopped) {
      this.due = false;
      const started = performance.now();
      await this.pool
        .rows(NOTIFY_STATEMENT.name, NOTIFY_STATEMENT.text, [EVENTS_CHANNEL, ''])
        .catch((error: Error) => this.logger.warn(`waking the outbox relays failed (their poll will find the events): ${error.message}`));
      const rest = started + OUTBOX_COALESCE_MS - performance.now();
      if (this.due && !this.stopped && rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    }
  }
}
