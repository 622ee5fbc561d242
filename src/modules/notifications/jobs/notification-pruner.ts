import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AppConfig } from '../../../infrastructure/config/app-config';
import { PeriodicRun } from '../../../infrastructure/queue/periodic-run';
import { Clock } from '../../../shared/clock';
import { PruneNotificationsCommand } from '../commands/prune-notifications/prune-notifications.command';

const PRUNE_INTERVAL_MS = 3600_000;
const DAY_MS = 86_400_000;

/**
 * Where workers run, deletes in-app notices older than NOTIFICATION_RETENTION_DAYS (90) once an
 * hour, read or not, so the feeds stay bounded; 0 keeps them.
 */
@Injectable()
export class NotificationPruner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly periodic = new PeriodicRun('notification pruning', () => this.run(), new Logger(NotificationPruner.name));

  constructor(
    private readonly commands: CommandBus,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.values.appRole === 'api') return;
    this.periodic.start(PRUNE_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  /** One run now (a run already going is joined); answers how many notices went. */
  prune(): Promise<number> {
    return this.periodic.now();
  }

  private async run(): Promise<number> {
    const days = this.config.values.notifications.retentionDays;
    if (!days) return 0;
    return this.commands.execute(new PruneNotificationsCommand(new Date(this.clock.now().getTime() - days * DAY_MS)));
  }
}
