import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { PeriodicRun } from '../../../infrastructure/queue/periodic-run';
import { systemActor } from '../../../shared/actor';
import { Clock } from '../../../shared/clock';
import { OrganizationDirectory } from '../../organizations';
import { SendWeeklyDigestCommand } from '../commands/send-weekly-digest/send-weekly-digest.command';
import { lastCompleteWeek } from '../domain/weekly-digest';

/** How often a worker looks for organizations whose last week's digest has not gone. */
export const WEEKLY_DIGEST_CHECK_MS = 3_600_000;

/**
 * Where workers run, once an hour: the weekly digest of the last week that is over (Monday to
 * Monday, UTC) for every organization that has not had it, so it goes within the hour after
 * Monday 00:00 UTC, or as soon as a worker runs (none for a week the organization was made in
 * or after). Several workers at once mail a week once.
 */
@Injectable()
export class WeeklyDigestScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly periodic = new PeriodicRun('weekly digest', () => this.runOnce(), new Logger(WeeklyDigestScheduler.name));

  constructor(
    private readonly commands: CommandBus,
    private readonly organizations: OrganizationDirectory,
    private readonly em: EntityManager,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start(WEEKLY_DIGEST_CHECK_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  /** One round: answers how many users were mailed. */
  async runOnce(): Promise<number> {
    const week = lastCompleteWeek(this.clock.now());
    const done = await this.em
      .fork()
      .getConnection()
      .execute<{ organization_id: string }[]>('select organization_id from weekly_digests where week_start = ?', [week.start.toISOString().slice(0, 10)], 'all');
    const sent = new Set(done.map((row) => row.organization_id));
    let mailed = 0;
    for (const { id, createdAt } of await this.organizations.all()) {
      // not a week the organization did not live through to its end
      if (sent.has(id) || createdAt >= week.start) continue;
      mailed += await this.commands.execute(new SendWeeklyDigestCommand(systemActor('weekly-digest'), id, week));
    }
    return mailed;
  }
}
