import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { Client } from 'pg';
import type { Logger } from '@nestjs/common';
import { MIGRATIONS } from './migrations';
import { quoteIdentifier, splitDatabaseUrl } from './pg-url';

// Any constant shared by every replica; pg_advisory_lock takes a bigint key.
const MIGRATION_LOCK_KEY = 0x67617465686f75n;

/** Creates the database named in the URL when it does not exist yet (safe when replicas race). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const { database, maintenanceUrl } = splitDatabaseUrl(databaseUrl);
  const client = new Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount) return false;
    try {
      await client.query(`create database ${quoteIdentifier(database)}`);
      return true;
    } catch (error) {
      // another replica created it between our check and our create
      if ((error as { code?: string }).code === '42P04' || (error as { code?: string }).code === '23505') return false;
      throw error;
    }
  } finally {
    await client.end();
  }
}

/** An ORM with no entities that runs the migrations (each in a transaction, all or nothing). */
export function migrationsOrm(databaseUrl: string): Promise<MikroORM> {
  return MikroORM.init({
    clientUrl: databaseUrl,
    entities: [],
    discovery: { warnWhenNoEntities: false },
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    debug: false,
  });
}

/**
 * Applies pending migrations while holding a PostgreSQL advisory lock, so many replicas
 * starting at once apply them exactly once; the others wait and then find nothing to do.
 */
export async function migrate(databaseUrl: string, logger?: Pick<Logger, 'log'>): Promise<string[]> {
  const lock = new Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    const orm = await migrationsOrm(databaseUrl);
    try {
      const applied = await orm.getMigrator().up();
      const names = applied.map((m) => m.name);
      if (names.length && logger) logger.log(`applied migrations: ${names.join(', ')}`);
      return names;
    } finally {
      await orm.close(true);
    }
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]).catch(() => undefined);
    await lock.end();
  }
}

export async function prepareDatabase(databaseUrl: string, logger?: Pick<Logger, 'log'>): Promise<void> {
  if (await ensureDatabase(databaseUrl)) logger?.log('created the database');
  await migrate(databaseUrl, logger);
}

/**
 * `prepareDatabase` in a process of its own (`npm run migrate`, dist/cli/migrate.js, with this
 * process's environment and output), waited for: what a server runs before it starts serving.
 * A server that applied the migrations itself paid for it for as long as it ran: about 10 µs a
 * request more on V8's helper threads and slower requests on its main thread, where a server
 * whose migrations ran elsewhere did not (bench/README.md, thirty-fifth pass).
 */
export function prepareDatabaseApart(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, '..', '..', 'cli', 'migrate.js')], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`the migrations failed (exit ${code ?? signal})`))));
  });
}
