import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './infrastructure/config/load-config';
import { prepareDatabaseApart } from './infrastructure/database/prepare-database';
import { withEncryptionKey } from './infrastructure/security/encryption-key-file';
import { BootstrapService, type BootstrapOutcome } from './modules/organizations';

function signInHelp(outcome: BootstrapOutcome, publicUrl: string): string {
  if (!outcome.created) return '';
  const lines = [
    '',
    `Gatehouse created the organization "${outcome.organization}" and its first Administrator ${outcome.adminEmail}.`,
  ];
  if (outcome.setupUrl) {
    lines.push(
      'Open this one-time link in a browser to set the administrator’s name and password (valid for 7 days):',
      `  ${outcome.setupUrl}`,
      `Afterwards, sign in at ${publicUrl}/sign-in (organization "${outcome.organization}").`,
    );
  } else {
    lines.push(`Sign in at ${publicUrl}/sign-in with the password from BOOTSTRAP_ADMIN_PASSWORD (organization "${outcome.organization}").`);
  }
  lines.push(`API documentation: ${publicUrl}/api/docs`, '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const logger = new Logger('Gatehouse');
  let config;
  try {
    config = withEncryptionKey(loadConfig(), (message) => logger.log(message));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // in a process of its own: one that applied them serves slower for good (prepareDatabaseApart)
  if (config.migrateOnStart) await prepareDatabaseApart();

  const app = await createApp(config);
  const outcome = await app.get(BootstrapService).run();
  await app.listen({ port: config.port, host: '0.0.0.0' });
  process.stdout.write(signInHelp(outcome, config.publicUrl));
  logger.log(`listening on port ${config.port} as ${config.appRole}`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`Gatehouse failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
