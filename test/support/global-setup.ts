import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Redis } from 'ioredis';

/** Fails fast, with a clear line, when the real PostgreSQL or Redis the e2e tests need is down. */
export default async function globalSetup(): Promise<void> {
  // this run's databases carry its id, so a teardown removes its own and never another run's
  process.env.GH_E2E_RUN ??= randomBytes(3).toString('hex');
  const pg = new Client({ connectionString: process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await pg.connect().catch((error: Error) => {
    throw new Error(`e2e tests need PostgreSQL at 127.0.0.1:5432: ${error.message}`);
  });
  await pg.end();
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect().catch((error: Error) => {
    throw new Error(`e2e tests need Redis at 127.0.0.1:6379: ${error.message}`);
  });
  redis.disconnect();
}
