import { Client } from 'pg';

/** Drops any database of this run that a crashed test file left behind. */
export default async function globalTeardown(): Promise<void> {
  const pg = new Client({ connectionString: process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await pg.connect();
  const run = process.env.GH_E2E_RUN ?? 'none';
  const { rows } = await pg.query<{ datname: string }>('select datname from pg_database where datname like $1', [`gh\\_e2e\\_${run}\\_%`]);
  for (const { datname } of rows) await pg.query(`drop database if exists "${datname}" with (force)`);
  await pg.end();
}
