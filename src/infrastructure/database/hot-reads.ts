import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Pool, type QueryResultRow } from 'pg';
import { AppConfig } from '../config/app-config';

/**
 * Reads on the hot path of every request (the caller's profile, an API key): named prepared
 * statements straight on a small pg pool. The ORM's fork and knex's query building under
 * even a raw query were a fifth of GET /me's CPU; these reads need neither a unit of work
 * nor a builder. Callers scope every statement by organization themselves.
 */
@Injectable()
export class HotReads implements OnApplicationShutdown {
  private readonly pool: Pool;
  private ended = false;

  constructor(config: AppConfig) {
    this.pool = new Pool({ connectionString: config.values.databaseUrl, max: 4, idleTimeoutMillis: 30_000 });
    // a broken idle connection is replaced on the next query; it must not crash the process
    this.pool.on('error', () => undefined);
  }

  /** Runs the statement prepared once per connection under `name` (one name, one text). */
  async rows<T extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<T[]> {
    return (await this.pool.query<T>({ name, text, values })).rows;
  }

  /**
   * Runs a statement unnamed, so PostgreSQL plans it for these very values every time: for
   * reads whose text varies with their filters and whose best plan depends on the value (a
   * rare address or a common type over a million rows), where a cached generic plan could
   * choose the wrong index. Still no fork and no builder.
   */
  async planned<T extends QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
    return (await this.pool.query<T>(text, values)).rows;
  }

  // a signal and app.close() may both shut the application down
  async onApplicationShutdown(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.pool.end();
  }
}
