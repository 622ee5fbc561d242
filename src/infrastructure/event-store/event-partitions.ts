import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { AppConfig } from '../config/app-config';
import { Clock } from '../../shared/clock';

/** The tables partitioned by `occurred_at` month (Migration20261203000500_audit_partitioning). */
export const PARTITIONED_TABLES = ['events', 'audit_log'] as const;

/** The first instant of the UTC month `offset` months after the one `at` falls in. */
export function monthStart(at: Date, offset = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
}

/**
 * Creates the monthly partitions of `events` and `audit_log` ahead of need: the current month
 * and `AUDIT_PARTITION_MONTHS_AHEAD` more, at start-up (every role) and from the retention job.
 * The database function is idempotent and serialized, so replicas may all run it; a month it
 * was late for has its rows moved out of the default partition.
 */
@Injectable()
export class EventPartitions implements OnApplicationBootstrap {
  private readonly logger = new Logger(EventPartitions.name);

  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureAhead().catch((error: Error) => this.logger.warn(`creating partitions ahead failed: ${error.message}`));
  }

  /** Answers the partitions it created (none when they were all there). */
  async ensureAhead(): Promise<string[]> {
    const connection = this.em.fork().getConnection();
    const created: string[] = [];
    const now = this.clock.now();
    for (let offset = 0; offset <= this.config.values.audit.partitionMonthsAhead; offset += 1) {
      const month = monthStart(now, offset);
      for (const table of PARTITIONED_TABLES) {
        const [row] = await connection.execute<{ created: boolean }[]>('select gatehouse_ensure_month_partition(?, ?) as created', [table, month], 'all');
        if (row.created) created.push(`${table}_p${month.toISOString().slice(0, 7).replace('-', '')}`);
      }
    }
    if (created.length) this.logger.log(`created partitions ${created.join(', ')}`);
    return created;
  }
}
