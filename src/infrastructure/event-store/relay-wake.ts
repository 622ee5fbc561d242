import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { HotReads } from '../database/hot-reads';
import { CoalescedRuns, type EarlyStart } from '../queue/coalesced-runs';

/** The channel every instance's outbox relay LISTENs on. */
export const EVENTS_CHANNEL = 'gatehouse_events';

/**
 * The least time between two relay passes' starts (and two notifications): half the lag the
 * audit pipeline may take (p99 ≤ 100 ms at 500 events/s), the other half left for the pass
 * itself. A pass costs the worker about 1.7 ms whatever it carries (its statements and their
 * round trips), so at high rates the passes, at most 20 a second, cost under 4 % of a core;
 * with 10 ms, the worker on the api's core took 28 % of it during the audit-event benchmark and
 * a refresh or a command paid for it (bench/README.md, the thirty-third pass). A lone event
 * after a quiet spell still goes at once. Notifications closer together than this buy nothing:
 * a relay joins them into its next pass.
 */
export const OUTBOX_COALESCE_MS = 50;

/**
 * The longest a relay waits after a pass began before the next may begin. A pass costs about
 * a dozen statements whatever it carries, so at tens of events a second, one pass per event
 * cost the worker as much CPU as the api spent on the command: at 30 sign-ins a second, with
 * the worker on the sign-ins' core, 4 ms of a sign-in's 30 with a 50 ms cap, 1.6 ms with this
 * one (bench/README.md, the thirty-first pass). An audit row, a webhook delivery, a security
 * alert or an event's seal 200 ms later changes nothing a user sees (no security decision
 * waits for the worker); the lag goal (p99 ≤ 100 ms at 500 events/s) is met with the window
 * at its low end there (OUTBOX_COALESCE_MS), and a lone event after a quiet spell is not delayed at all.
 */
export const OUTBOX_COALESCE_MAX_MS = 200;

/** The events a pass should carry at least, when waiting no longer than OUTBOX_COALESCE_MAX_MS gets them. */
const OUTBOX_EVENTS_PER_PASS = 4;

/**
 * A notification or a relay pass does not wait out the window once OUTBOX_EVENTS_PER_PASS
 * commits (each with one event or more) are waiting for it: it goes OUTBOX_COALESCE_MS after
 * the last began. The window follows the rate from what the passes carried, so after a quiet
 * spell (passes of one or two events) it is the widest when a burst starts, and the burst's
 * first events would wait OUTBOX_COALESCE_MAX_MS, pass after pass, until two passes had seen the
 * new rate (the audit pipeline's lag p99 at 500 events/s: 140–200 ms, all of it in the burst's
 * first half second; bench/README.md, the thirty-third pass).
 */
export const OUTBOX_EARLY_START: EarlyStart = { items: OUTBOX_EVENTS_PER_PASS, afterMs: OUTBOX_COALESCE_MS };

/**
 * The window before the next relay pass: long enough for OUTBOX_EVENTS_PER_PASS events at the
 * rate the last passes saw (`carried` events in `sinceMs`), between OUTBOX_COALESCE_MS and
 * OUTBOX_COALESCE_MAX_MS. From 80 events/s up it stays at 50 ms, at 30/s it is
 * 133 ms, below 20/s 200 ms; a wake-up after a quiet spell longer than the window still starts
 * a pass at once.
 */
export function coalescingWindowMs(sinceMs: number, carried: number): number {
  const wanted = (OUTBOX_EVENTS_PER_PASS * sinceMs) / Math.max(carried, 1);
  return Math.min(OUTBOX_COALESCE_MAX_MS, Math.max(OUTBOX_COALESCE_MS, wanted));
}

const NOTIFY_STATEMENT = { name: 'gatehouse_wake_relays', text: 'select pg_notify($1, $2)' };

/**
 * Wakes the outbox relays of every instance once a transaction that appended events has
 * committed. Not a NOTIFY inside that transaction: PostgreSQL takes one lock per database at
 * the commit of every notifying transaction and holds it through the commit's WAL flush, so
 * the commits of every command, whatever its organization, went one after another. A
 * pg_notify on its own writes no WAL before its commit, which therefore waits for no flush,
 * and holds that lock only for a moment. It costs this process a round trip, so
 * notifications go as the relays' passes do (`coalescingWindowMs`, from the commits each
 * covered): a commit after a quiet spell wakes the relays at once, and the commits within the
 * window after it share the next notification, sent at the window's end (sooner would only
 * join the relay's next pass). A process that dies between a commit and its notification
 * delays the consumers until the relays' poll and loses nothing: the outbox row committed
 * with the event.
 */
@Injectable()
export class RelayWake implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RelayWake.name);
  private commits = 0;
  private stopped = false;
  private readonly notifications = new CoalescedRuns(() => this.notify(), coalescingWindowMs, OUTBOX_EARLY_START);

  constructor(private readonly pool: HotReads) {}

  /** A transaction that appended events committed: the relays hear of it now or with the next notification. */
  wake(): void {
    if (this.stopped) return;
    this.commits++;
    this.notifications.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.notifications.stop();
  }

  /** Tells the relays how many commits there were (the payload: see NotifiedRelay); answers the count. */
  private async notify(): Promise<number> {
    const commits = this.commits;
    this.commits = 0;
    await this.pool
      .rows(NOTIFY_STATEMENT.name, NOTIFY_STATEMENT.text, [EVENTS_CHANNEL, String(commits)])
      .catch((error: Error) => this.logger.warn(`waking the outbox relays failed (their poll will find the events): ${error.message}`));
    return commits;
  }
}
