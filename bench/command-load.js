// The figure and baseline of "a command's audit event", in a process of its own pinned to the
// servers' core: `connections` concurrent transactions for `seconds`, each the state change of a
// profile edit (an UPDATE of the user's row, one user per connection, all in one organization) and
// its audit record, through Gatehouse's own ORM connection (booted from dist/ as the CLI boots:
// no HTTP, no workers), each in a transaction as the unit of work runs a command's (`inTransaction`
// on a fork: no MikroORM TransactionContext):
// - `append`: the record is the event through the real EventStore.append (since the twenty-sixth
//   pass its unchained row in event_pending; the worker, woken by a pg_notify after COMMIT, chains it);
// - `plain`: the record is one plain single-row INSERT of the same columns into a table with no
//   index and no chain (bench_plain_audit).
// - `plain-notify`: `plain` with a pg_notify in the transaction (on a channel nobody listens to),
//   as the append's function notified until the twenty-second pass: what NOTIFY's commit costs alone;
// - `commits`: one connection committing single-row INSERTs one after another (no UPDATE, no
//   chain): the rate of serial commits, i.e. what one WAL flush at a time allows.
// `organizationIds` (optional, one per connection) spreads the connections over organizations;
// by default all are in `organizationId`.
// After a warm-up under load (a fifth of the run, at most 1 s) and a second idle, prints one JSON
// line like bench/load.js (2xx per second, p50/p99 ms, CPU per transaction) plus the process's CPU
// per second while idle (`idleCpuPerSecondUs`) and per transaction without it (`commandCpuUs`), plus the transactions' wait
// for a row lock (the stream head, `lockWaiting`) and for the database's NOTIFY queue lock, which a
// notifying transaction holds from its commit's start to its end (`notifyWaiting`; pg_stat_activity
// samples), the COMMIT statements' mean time (`commitMs`), and, for `append`, the tail of the head's hold the
// client sees: from the append's answer to COMMIT's (`holdTailMs`, mean). The ratio append/plain
// is what the chain costs.
require('reflect-metadata');
const { randomUUID } = require('node:crypto');
const { performance } = require('node:perf_hooks');
const path = require('node:path');

const { mode, connections, seconds, userIds, organizationId, organizationIds } = JSON.parse(process.argv[2]);
const organizationOf = (i) => (organizationIds ? organizationIds[i] : organizationId);
const dist = (file) => require(path.join(__dirname, '..', 'dist', file));

const PLAIN_TABLE = `create table if not exists bench_plain_audit (
  id uuid not null, organization_id uuid not null, type text not null, actor jsonb not null,
  subject jsonb not null, payload jsonb not null, occurred_at timestamptz not null)`;

async function main() {
  const { NestFactory } = require('@nestjs/core');
  const { EntityManager } = require('@mikro-orm/postgresql');
  const { AppModule } = dist('app.module');
  const { loadConfig } = dist('infrastructure/config/load-config');
  const { EventStore } = dist('infrastructure/event-store/event-store');
  const { inTransaction } = dist('infrastructure/event-store/unit-of-work');
  const config = loadConfig(process.env);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ ...config, appRole: 'api', logLevel: 'warn' }), { logger: ['error'] });
  const em = app.get(EntityManager);
  const store = app.get(EventStore);
  await em.getConnection().execute(PLAIN_TABLE);
  // every COMMIT's time, from pg's query call to its answer (knex sends 'COMMIT;')
  const { Client: PgClient } = require('pg');
  const query = PgClient.prototype.query;
  let commitTime = 0;
  let commits = 0;
  PgClient.prototype.query = function timed(config, values, callback) {
    if (config?.text !== 'COMMIT;' || typeof values !== 'function') return query.call(this, config, values, callback);
    const at = performance.now();
    return query.call(this, config, (error, result) => {
      commitTime += performance.now() - at;
      commits++;
      values(error, result);
    });
  };

  const actorOf = (userId) => ({ type: 'user', id: userId, ip: '127.0.0.1', userAgent: 'bench', requestId: null });
  let n = 0;
  let holdTail = 0;
  let appended = 0;
  const command = async (userId, organizationId) => {
    const name = `Command ${n++}`;
    if (mode === 'commits') {
      await em.getConnection().execute(
        'insert into bench_plain_audit (id, organization_id, type, actor, subject, payload, occurred_at) values (?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, now())',
        [randomUUID(), organizationId, 'bench.commit', '{}', '{}', '{}'],
        'run',
      );
      return;
    }
    let answered = 0;
    await inTransaction(em.fork(), async (tx) => {
      const trx = tx.getTransactionContext();
      await tx.getConnection().execute('update users set name = ?, updated_at = now() where organization_id = ? and id = ?', [name, organizationId, userId], 'run', trx);
      const event = { type: 'user.profile_updated', organizationId, subject: { type: 'user', id: userId }, payload: { fields: ['name'] } };
      if (mode === 'plain-notify') {
        await tx
          .getConnection()
          .execute(
            "with audit as (insert into bench_plain_audit (id, organization_id, type, actor, subject, payload, occurred_at) values (?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?)) select pg_notify('bench_plain_audit', '')",
            [randomUUID(), organizationId, event.type, JSON.stringify(actorOf(userId)), JSON.stringify(event.subject), JSON.stringify(event.payload), new Date().toISOString()],
            'all',
            trx,
          );
      } else if (mode === 'append') {
        await store.append(tx, actorOf(userId), [event]);
        answered = performance.now();
      } else
        await tx
          .getConnection()
          .execute(
            'insert into bench_plain_audit (id, organization_id, type, actor, subject, payload, occurred_at) values (?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?)',
            [randomUUID(), organizationId, event.type, JSON.stringify(actorOf(userId)), JSON.stringify(event.subject), JSON.stringify(event.payload), new Date().toISOString()],
            'run',
            trx,
          );
    });
    if (answered) {
      holdTail += performance.now() - answered;
      appended++;
    }
  };

  // every connection running its transactions until `deadline`; answers how many committed
  const latencies = [];
  const load = async (deadline) => {
    let done = 0;
    await Promise.all(
      userIds.slice(0, connections).map(async (userId, i) => {
        while (performance.now() < deadline) {
          const at = performance.now();
          await command(userId, organizationOf(i));
          latencies.push(performance.now() - at);
          done++;
        }
      }),
    );
    return done;
  };
  // a warm-up under load (so what is measured runs optimized code, not V8's first tiers and its compiler)
  await load(performance.now() + Math.min(1, seconds / 5) * 1000);
  latencies.length = 0;
  holdTail = 0;
  appended = 0;
  commitTime = 0;
  commits = 0;
  let waits = 0;
  let notifyWaits = 0;
  let samples = 0;
  let sampling = true;
  const sampler = (async () => {
    const { Client } = require('pg');
    const client = new Client({ connectionString: config.databaseUrl });
    await client.connect();
    while (sampling) {
      const { rows } = await client.query(
        `select (count(*) filter (where wait_event in ('transactionid', 'tuple')))::int as waiting, (count(*) filter (where wait_event = 'object'))::int as notify
           from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      );
      waits += rows[0].waiting;
      notifyWaits += rows[0].notify;
      samples++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await client.end();
  })();
  // the process's CPU while idle (the sampler, the application's timers): what a slow run divides
  // over fewer commands; `commandCpuUs` is the CPU per command without it
  const idleFrom = process.cpuUsage();
  const idleStarted = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const idle = process.cpuUsage(idleFrom);
  const idleCpuPerSecondUs = (idle.user + idle.system) / ((performance.now() - idleStarted) / 1000);
  waits = 0;
  notifyWaits = 0;
  samples = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const ok = await load(started + seconds * 1000);
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  sampling = false;
  await sampler;
  latencies.sort((a, b) => a - b);
  const at = (p) => Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(2));
  process.stdout.write(
    `${JSON.stringify({ ok, other: 0, statuses: {}, perSecond: ok / elapsed, p50: at(0.5), p99: at(0.99), lockWaiting: samples ? waits / samples : 0, notifyWaiting: samples ? notifyWaits / samples : 0, commitMs: commits ? commitTime / commits : null, holdTailMs: appended ? holdTail / appended : null, cpuPerRequestUs: (cpu.user + cpu.system) / ok, idleCpuPerSecondUs, commandCpuUs: (cpu.user + cpu.system - idleCpuPerSecondUs * elapsed) / ok })}\n`,
  );
  await app.close();
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
