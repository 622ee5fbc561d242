import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { AppConfig } from '../../../infrastructure/config/app-config';
import { PeriodicRun } from '../../../infrastructure/queue/periodic-run';
import { systemActor } from '../../../shared/actor';
import { Clock } from '../../../shared/clock';
import { SendAlertDigestCommand } from '../commands/send-alert-digest/send-alert-digest.command';
import { SecurityAlertsRepository } from '../infrastructure/security-alerts.repository';

/**
 * Where workers run: mails the alerts that waited for the end of their organization's mail
 * interval (`SECURITY_ALERT_MAIL_INTERVAL_SECONDS`), at most a quarter of the interval (and a
 * minute) after it ends. Several workers at once are harmless: the organization's alert mail is
 * taken under a lock, and a second run finds nothing waiting.
 */
@Injectable()
export class AlertDigestScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly periodic = new PeriodicRun('alert digest', () => this.runOnce(), new Logger(AlertDigestScheduler.name));

  constructor(
    private readonly commands: CommandBus,
    private readonly alerts: SecurityAlertsRepository,
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.values.securityAlerts.mailIntervalSeconds;
    const tickSeconds = interval === 0 ? 60 : Math.min(60, Math.max(1, interval / 4));
    this.periodic.start(tickSeconds * 1000);
  }

  /** One pass: every organization whose waiting alerts are due; answers the Administrators mailed. */
  async runOnce(): Promise<number> {
    const interval = this.config.values.securityAlerts.mailIntervalSeconds;
    const before = new Date(this.clock.now().getTime() - interval * 1000);
    let mailed = 0;
    for (const organizationId of await this.alerts.organizationsWithMailDue(this.em.fork(), before)) {
      mailed += await this.commands.execute(new SendAlertDigestCommand(systemActor('security-alerts'), organizationId));
    }
    return mailed;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }
}
