import 'reflect-metadata';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { NestFactory } from '@nestjs/core';
import { QueryBus } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { AppModule } from '../app.module';
import { ConfigError, loadConfig } from '../infrastructure/config/load-config';
import { withEncryptionKey } from '../infrastructure/security/encryption-key-file';
import { AuditLogRebuild, EventStorePrune, ExportEventsQuery, RetentionRun, VerifyChainQuery } from '../modules/audit';

const USAGE = `usage:
  npm run audit:export -- --organization <slug> [--from <RFC 3339>] [--to <RFC 3339>] [--format ndjson|csv] [--out <file>]
  npm run audit:verify -- --organization <slug> [--from <RFC 3339>] [--to <RFC 3339>]
  npm run audit:rebuild
  npm run audit:retention
  npm run audit:prune -- [--dry-run true]     (as the role that owns the tables)`;

class UsageError extends Error {}

function options(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    if (!name.startsWith('--') || argv[i + 1] === undefined) throw new UsageError(`unexpected argument ${name}`);
    out[name.slice(2)] = argv[i + 1];
  }
  return out;
}

function date(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new UsageError(`--${name} must be an RFC 3339 date-time`);
  return parsed;
}

const progress = (message: string) => process.stderr.write(`\r${message}`);

/** `npm run audit:*`: the long audit work, from the command line, with progress on stderr. */
async function run(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (!['export', 'verify', 'rebuild', 'retention', 'prune'].includes(command)) throw new UsageError(`unknown command ${command ?? '(none)'}`);
  const args = options(rest);
  const config = withEncryptionKey(loadConfig(), () => undefined);
  // no HTTP, no workers: the same modules, queries and database as the service
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ ...config, appRole: 'api', logLevel: 'warn' }), { logger: ['error'] });
  try {
    const started = Date.now();
    if (command === 'rebuild') {
      const { events } = await app.get(AuditLogRebuild).run(({ copied, total, organizationId }) =>
        progress(`rebuilding audit_log: organization ${organizationId} ${copied}/${total} events`),
      );
      const seconds = (Date.now() - started) / 1000;
      process.stderr.write(`\nrebuilt audit_log from ${events} events in ${seconds.toFixed(1)} s (${Math.round(events / seconds)} events/s)\n`);
      return;
    }
    if (command === 'retention') {
      const outcomes = await app.get(RetentionRun).runOnce((outcome) =>
        progress(`retention: organization ${outcome.organizationId} before ${outcome.boundary}: checkpoint ${outcome.checkpointSeq ?? '-'}, removed ${JSON.stringify(outcome.deleted)}\n`),
      );
      process.stdout.write(`${JSON.stringify(outcomes)}\n`);
      return;
    }
    if (command === 'prune') {
      if (args['dry-run'] !== undefined && !['true', 'false'].includes(args['dry-run'])) throw new UsageError('--dry-run must be true or false');
      const steps = await app.get(EventStorePrune).run({ dryRun: args['dry-run'] === 'true' }, (step) =>
        progress(
          step.reason
            ? `kept ${step.partition} and later: ${step.reason}\n`
            : `${step.dropped ? 'dropped' : 'would drop'} ${step.partition} (${step.events} events before ${step.until})\n`,
        ),
      );
      process.stdout.write(`${JSON.stringify(steps)}\n`);
      return;
    }
    if (!args.organization) throw new UsageError('--organization is required');
    const [organization] = await app
      .get(EntityManager)
      .fork()
      .getConnection()
      .execute<{ id: string }[]>('select id from organizations where slug = ?', [args.organization], 'all');
    if (!organization) throw new UsageError(`no organization ${args.organization}`);
    const range = { from: date(args.from, 'from'), to: date(args.to, 'to') };
    const queries = app.get(QueryBus);
    if (command === 'verify') {
      const result = await queries.execute(new VerifyChainQuery(organization.id, range, (checked) => progress(`verified ${checked} events`)));
      process.stderr.write('\n');
      process.stdout.write(`${JSON.stringify(result)}\n`);
      if (!result.valid) process.exitCode = 2;
      return;
    }
    const format = args.format ?? 'ndjson';
    if (format !== 'ndjson' && format !== 'csv') throw new UsageError('--format must be ndjson or csv');
    const out = args.out ? createWriteStream(args.out) : process.stdout;
    const stream = await queries.execute(new ExportEventsQuery(organization.id, format, range));
    let lines = 0;
    let bytes = 0;
    let reported = 0;
    for await (const chunk of stream as AsyncIterable<string>) {
      bytes += Buffer.byteLength(chunk);
      for (let at = chunk.indexOf('\n'); at !== -1; at = chunk.indexOf('\n', at + 1)) lines += 1;
      // constant memory: wait whenever the destination is full
      if (!out.write(chunk)) await once(out, 'drain');
      if (lines - reported >= 10_000) {
        reported = lines;
        progress(`exported ${lines} lines, ${(bytes / 1e6).toFixed(1)} MB`);
      }
    }
    if (out !== process.stdout) await new Promise<void>((resolve, reject) => (out as ReturnType<typeof createWriteStream>).end((error?: Error | null) => (error ? reject(error) : resolve())));
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`\nexported ${lines} lines, ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s\n`);
  } finally {
    await app.close();
  }
}

run().catch((error: unknown) => {
  if (error instanceof UsageError) process.stderr.write(`${error.message}\n${USAGE}\n`);
  else process.stderr.write(`${error instanceof ConfigError ? error.message : `audit command failed: ${error instanceof Error ? error.message : String(error)}`}\n`);
  process.exit(1);
});
