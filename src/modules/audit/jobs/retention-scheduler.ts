import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../../infrastructure/config/app-config';
import { PeriodicRun } from '../../../infrastructure/queue/periodic-run';
import { RetentionRun } from './retention-run';

/**
 * Every `AUDIT_RETENTION_INTERVAL_SECONDS` where workers run: creates the coming months'
 * partitions, then applies each organization's audit retention to the read models. Several
 * workers at once are harmless: partitions are created once, a checkpoint at a seq is signed
 * once, and a second delete finds nothing.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly periodic = new PeriodicRun('retention', () => this.retention.runOnce(), new Logger(RetentionScheduler.name));

  constructor(
    private readonly retention: RetentionRun,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start(this.config.values.audit.retentionIntervalSeconds * 1000);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }
}
