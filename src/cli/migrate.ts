import 'reflect-metadata';
import { ConfigError, loadConfig } from '../infrastructure/config/load-config';
import { prepareDatabase } from '../infrastructure/database/prepare-database';

/** `npm run migrate`: creates the database if needed and applies pending migrations. */
async function run(): Promise<void> {
  const config = loadConfig();
  await prepareDatabase(config.databaseUrl, { log: (message: unknown) => process.stdout.write(`${String(message)}\n`) });
  process.stdout.write('migrations are up to date\n');
}

run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `migration failed: ${String(error)}`}\n`);
  process.exit(1);
});
