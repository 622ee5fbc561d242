import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../../infrastructure/config/app-config';
import { RetentionRun } from './retention-run';

/**
 * Every `AUDIT_RETENTION_INTERVAL_SECONDS` where workers run: creates the coming months'
 * partitions, then applies each organization's audit retention to the read models. Several
 * workers at once are harmless: partitions are created once, a checkpoint at a seq is signed
 * once, and a second delete finds nothing.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionScheduler.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly retention: RetentionRun,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.retention.runOnce()
        .then(() => undefined)
        .catch((error: Error) => this.logger.warn(`retention failed: ${error.message}`))
        .finally(() => (this.running = null));
    }, this.config.values.audit.retentionIntervalSeconds * 1000);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
