import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Redis } from 'ioredis';

export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'correct horse battery staple';

/** A database name and Redis key prefix of this test run's own, and their removal. */
export class TestEnvironment {
  readonly id = randomBytes(6).toString('hex');
  readonly database = `gh_e2e_${process.env.GH_E2E_RUN ?? 'adhoc'}_${this.id}`;
  readonly databaseUrl: string;
  readonly redisPrefix = `{gh-e2e-${this.id}}`;

  constructor() {
    const url = new URL(ADMIN_DATABASE_URL);
    url.pathname = `/${this.database}`;
    this.databaseUrl = url.toString();
  }

  /** Environment variables for the app under test (the same names users set). */
  env(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return {
      NODE_ENV: 'test',
      DATABASE_URL: this.databaseUrl,
      REDIS_URL,
      REDIS_KEY_PREFIX: this.redisPrefix,
      BOOTSTRAP_ORGANIZATION: 'default',
      BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      PUBLIC_URL: 'http://gatehouse.test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...overrides,
    };
  }

  /**
   * A connection as the superuser, for assertions and for what an attacker with the database
   * could do. A command's events reach `events` once the worker sealed them, milliseconds after
   * its commit: a query that reads `events` or `event_streams` first waits (up to 10 s) until nothing is pending, so
   * a story asserts what its commands recorded as it would read them a moment later.
   */
  async sql(): Promise<Client> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    const readsEvents = (args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: unknown } | undefined)?.text;
      return typeof text === 'string' && /\b(from|join)\s+(events|event_streams)\b/i.test(text);
    };
    const sealed = async () => {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        // a database migrated down past the sealer has nothing pending
        const { rows: table } = (await query("select to_regclass('event_pending') is not null as present")) as { rows: { present: boolean }[] };
        if (!table[0].present) return;
        const { rows } = (await query('select exists (select 1 from event_pending) as pending')) as { rows: { pending: boolean }[] };
        if (!rows[0].pending) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    Object.assign(client, {
      query: (...args: unknown[]) => (readsEvents(args) ? sealed().then(() => query(...args)) : query(...args)),
    });
    return client;
  }

  /** The single number a query answers (counts in assertions). */
  async scalar(query: string, params: unknown[] = []): Promise<number> {
    const sql = await this.sql();
    try {
      const { rows } = await sql.query<Record<string, string>>(query, params);
      return Number(Object.values(rows[0])[0]);
    } finally {
      await sql.end();
    }
  }

  /** The id of the organization with this slug (the bootstrap's is `default`). */
  async organizationId(slug = 'default'): Promise<string> {
    const sql = await this.sql();
    try {
      const { rows } = await sql.query<{ id: string }>('select id from organizations where slug = $1', [slug]);
      return rows[0].id;
    } finally {
      await sql.end();
    }
  }

  async remove(redisUrl = REDIS_URL): Promise<void> {
    const pg = new Client({ connectionString: ADMIN_DATABASE_URL });
    await pg.connect();
    await pg.query(`drop database if exists "${this.database}" with (force)`);
    await pg.end();
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.redisPrefix}*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }
}
