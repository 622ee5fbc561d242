// node bench/refresh-costs.js [seconds] [checkout…]: what bounds refresh-token rotation and
// what a refresh costs each process, under the refresh scenario's load (bench/refresh-load.js:
// REFRESH_SESSIONS (16) sessions rotating their own tokens as fast as the answers come, pinned
// to the load core). For each checkout in turn (default: this one; an old build: a worktree of
// the old commit, its node_modules linked, `npx nest build` there), a round starts its `api`
// and `worker` processes from its dist/ pinned to the servers' core, as the harness does, with
// bench/count-round-trips.js preloaded, signs the sessions in, warms up for 2 s, then loads for
// `seconds` (5) and waits until every consumer has projected the load's events. It prints
// refreshes/s, p50/p99, the CPU per refresh of the api and of the worker (/proc, the worker's
// until it caught up; less what each costs idle over as long, measured after), statements and
// Redis commands per refresh in each (idle polls likewise off), and what the
// database's backends of the run were doing, sampled from pg_stat_activity every 10 ms: the
// mean number of backends in each state (active on the CPU, or waiting: `Lock:transactionid`
// is a row lock held by another transaction, `LWLock:WALWrite`/`IO:WALSync` a commit's flush,
// `Lock:object` NOTIFY's commit lock, `Client:ClientRead` idle in a transaction waiting for the
// process). Checkouts alternate round by round (`REFRESH_COST_ROUNDS`, 3) on one database.
const path = require('node:path');
const lib = require('./lib');
const users = require('./seeds/users');

const seconds = Number(process.argv[2] ?? 5);
const checkouts = process.argv.slice(3).length ? process.argv.slice(3).map((c) => path.resolve(c)) : [lib.ROOT];
const rounds = Number(process.env.REFRESH_COST_ROUNDS ?? 3);
const sessions = Number(process.env.REFRESH_SESSIONS ?? 16);

const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Samples the run database's other backends until stopped: mean backends per state. */
function sampleBackends(sql, database) {
  const seen = {};
  let samples = 0;
  let running = true;
  const done = (async () => {
    while (running) {
      const { rows } = await sql.query(
        `select case when state = 'active' and wait_event is null then 'active (CPU)'
                     else coalesce(wait_event_type || ':' || wait_event, state) end as what, count(*)::int as n
           from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and state <> 'idle' group by 1`,
        [database],
      );
      samples++;
      for (const row of rows) seen[row.what] = (seen[row.what] ?? 0) + row.n;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return async () => {
    running = false;
    await done;
    return Object.fromEntries(Object.entries(seen).sort((a, b) => b[1] - a[1]).map(([what, n]) => [what, +(n / samples).toFixed(2)]));
  };
}

async function main() {
  const environment = lib.benchEnvironment();
  const first = await lib.startCheckout(checkouts[0], lib.gatehouseEnv(environment, { APP_ROLE: 'api' }));
  await first.stop();
  const sql = await environment.sql();
  const sampler = await environment.sql();
  try {
    await users.run({ sql, sizes: { users: sessions * rounds * checkouts.length }, log: () => undefined });
    let member = 0;
    for (let round = 1; round <= rounds; round++) {
      for (const checkout of checkouts) {
        const api = await lib.startCheckout(checkout, lib.gatehouseEnv(environment, { APP_ROLE: 'api' }));
        const worker = await lib.startCheckout(checkout, lib.gatehouseEnv(environment, { APP_ROLE: 'worker' }));
        try {
          const tokens = [];
          for (let i = 0; i < sessions; i++) tokens.push((await lib.signIn(api.port, `member.${member++}@example.com`)).refreshToken);
          const warm = await lib.runLoad(api, 'refresh-load.js', { port: api.port, tokens, seconds: 2, tokensOut: true });
          await lib.caughtUp(sql);
          await api.roundTrips();
          await worker.roundTrips();
          const before = { api: lib.cpuSeconds(api.pid), worker: lib.cpuSeconds(worker.pid) };
          const started = Date.now();
          const stopSampling = sampleBackends(sampler, environment.database);
          const result = await lib.runLoad(api, 'refresh-load.js', { port: api.port, tokens: warm.tokens, seconds });
          const loadSeconds = (Date.now() - started) / 1000;
          const apiCpu = lib.cpuSeconds(api.pid) - before.api;
          const backends = await stopSampling();
          await lib.caughtUp(sql);
          const busySeconds = (Date.now() - started) / 1000;
          const workerCpu = lib.cpuSeconds(worker.pid) - before.worker;
          // what each costs idle (timers, polls) over as long is taken off
          const [apiTrips, workerTrips] = [await api.roundTrips(), await worker.roundTrips()];
          const idleFrom = { api: lib.cpuSeconds(api.pid), worker: lib.cpuSeconds(worker.pid) };
          await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
          const idleRate = { api: (lib.cpuSeconds(api.pid) - idleFrom.api) / seconds, worker: (lib.cpuSeconds(worker.pid) - idleFrom.worker) / seconds };
          const [apiIdle, workerIdle] = [await api.roundTrips(), await worker.roundTrips()];
          const busyShare = busySeconds / seconds;
          const per = (busy, idle) => ((total(busy) - total(idle) * busyShare) / result.ok).toFixed(2);
          const cpuPer = (cpu, rate, during) => (((cpu - rate * during) * 1e6) / result.ok).toFixed(0);
          lib.log(
            `${path.basename(checkout)} round ${round}: ${result.ok} refreshes (${result.other} failed), ${result.perSecond.toFixed(0)}/s, p50 ${result.p50} / p99 ${result.p99} ms; ` +
              `CPU per refresh api ${cpuPer(apiCpu, idleRate.api, loadSeconds)} µs + worker ${cpuPer(workerCpu, idleRate.worker, busySeconds)} µs; ` +
              `api ${per(apiTrips.pg, apiIdle.pg)} statements ${JSON.stringify(apiTrips.pg)}, ${per(apiTrips.redis, apiIdle.redis)} Redis; ` +
              `worker ${per(workerTrips.pg, workerIdle.pg)} statements, ${per(workerTrips.redis, workerIdle.redis)} Redis; backends ${JSON.stringify(backends)}`,
          );
        } finally {
          await worker.stop();
          await api.stop();
        }
      }
    }
  } finally {
    await sampler.end();
    await sql.end();
    await environment.remove();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
