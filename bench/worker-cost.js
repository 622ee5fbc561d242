// node bench/worker-cost.js [seconds] [checkout…]: what the worker process (relays, event
// consumers) costs per event at steady rates, with no api and no HTTP in the way. For each
// checkout in turn (default: this one; an old build: `git worktree add /tmp/old <commit>`, its
// node_modules linked, `npx nest build` there), a round starts `APP_ROLE=worker` from its dist/
// pinned to the servers' core with bench/count-round-trips.js preloaded, then appends events
// straight into the store as bench/scenarios/audit-pipeline.js does (unchained rows in
// event_pending, the wake-up after commit; the worker seals them), from this process (run it pinned to the load core: `taskset
// -c 1`), at 100, 400 and 2,000 events/s (`WORKER_COST_RATES`), one event a transaction (five
// at 2,000/s), each rate for `seconds` (5) and waited for until every consumer's position
// reached the head. Per event it prints the worker's CPU (/proc), its statements and Redis
// commands (less the idle polls over as long), and the projection lag p50/p99. Checkouts
// alternate round by round (`WORKER_COST_ROUNDS`, 2) on one database. `WORKER_COST_NODE_ARGS` passes
// the workers more flags (`--cpu-prof --cpu-prof-dir=/tmp/x`: a profile of each worker's life).
// It also prints how long the worker's event loop waited runnable for its (shared, pinned) core
// in the round, and the most it waited within one second: a lag p99 in the hundreds of ms with
// most of a second waited is the machine's contention, not the worker.
const path = require('node:path');
const lib = require('./lib');
const { appendDirectly } = require('./scenarios/audit-pipeline');

const seconds = Number(process.argv[2] ?? 5);
const checkouts = process.argv.slice(3).length ? process.argv.slice(3).map((c) => path.resolve(c)) : [lib.ROOT];
const rates = (process.env.WORKER_COST_RATES ?? '100,400,2000').split(',').map(Number);
const rounds = Number(process.env.WORKER_COST_ROUNDS ?? 2);

const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const startWorker = (checkout, env) => lib.startCheckout(checkout, env, (process.env.WORKER_COST_NODE_ARGS ?? '').split(' ').filter(Boolean));
const caughtUp = (sql) => lib.caughtUp(sql);

/**
 * Samples the worker's run-queue wait every 50 ms until stopped: the total, and the most it
 * waited within any one second (a pass that stalls because the pinned core is busy with other
 * processes, not because the worker waits on anything, shows as most of that second).
 */
function starvation(pid) {
  const first = lib.runQueueSeconds(pid);
  const samples = [first];
  let worst = 0;
  const timer = setInterval(() => {
    samples.push(lib.runQueueSeconds(pid));
    if (samples.length > 21) samples.shift();
    worst = Math.max(worst, samples[samples.length - 1] - samples[0]);
  }, 50);
  return () => {
    clearInterval(timer);
    return { waitedMs: (lib.runQueueSeconds(pid) - first) * 1000, worstSecondMs: worst * 1000 };
  };
}

async function lag(sql, organizationId, start) {
  const pct = (p) => `percentile_cont(${p}) within group (order by extract(epoch from (a.projected_at - e.occurred_at)) * 1000)`;
  const { rows } = await sql.query(
    `select count(*)::int as events, ${pct(0.5)} as p50, ${pct(0.99)} as p99
       from events e join audit_log a on a.event_id = e.id where e.organization_id = $1 and e.seq > $2`,
    [organizationId, start],
  );
  return rows[0];
}

async function main() {
  const environment = lib.benchEnvironment();
  const sql = await (async () => {
    // the first start migrates and bootstraps the organization
    const first = await startWorker(checkouts[0], lib.gatehouseEnv(environment, { APP_ROLE: 'api' }));
    await first.stop();
    return environment.sql();
  })();
  try {
    const {
      rows: [org],
    } = await sql.query("select id from organizations where slug = 'default'");
    for (let round = 1; round <= rounds; round++) {
      for (const checkout of checkouts) {
        const worker = await startWorker(checkout, lib.gatehouseEnv(environment, { APP_ROLE: 'worker' }));
        try {
          await appendDirectly({ environment }, org.id, { seconds: 1, connections: 4, perTransaction: 1, rate: 100 }); // warm-up
          await caughtUp(sql);
          await sleep(1500);
          await worker.roundTrips();
          for (const rate of rates) {
            const {
              rows: [{ seq: start }],
            } = await sql.query('select coalesce(max(seq), 0)::int as seq from events where organization_id = $1', [org.id]);
            const cpuBefore = lib.cpuSeconds(worker.pid);
            const starved = starvation(worker.pid);
            const started = Date.now();
            const events = await appendDirectly({ environment }, org.id, { seconds, connections: 4, perTransaction: rate >= 1000 ? 5 : 1, rate });
            await caughtUp(sql);
            const busySeconds = (Date.now() - started) / 1000;
            const { waitedMs, worstSecondMs } = starved();
            const cpu = lib.cpuSeconds(worker.pid) - cpuBefore;
            const busy = await worker.roundTrips();
            const idleCpuBefore = lib.cpuSeconds(worker.pid);
            await sleep(busySeconds * 1000);
            const idleCpu = lib.cpuSeconds(worker.pid) - idleCpuBefore;
            const idle = await worker.roundTrips();
            const { p50, p99 } = await lag(sql, org.id, start);
            const per = (kind) => ((total(busy[kind]) - total(idle[kind])) / events).toFixed(2);
            lib.log(
              `${path.basename(checkout)} round ${round} ${rate}/s: ${events} events, worker CPU ${(((cpu - idleCpu) * 1e6) / events).toFixed(0)} µs/event ` +
                `(${((cpu / busySeconds) * 100).toFixed(0)} % of a core), statements ${per('pg')}, Redis ${per('redis')} per event, lag p50 ${p50.toFixed(1)} / p99 ${p99.toFixed(1)} ms, ` +
                `waiting for its core ${waitedMs.toFixed(0)} ms (at most ${worstSecondMs.toFixed(0)} ms of one second)` +
                `  ${JSON.stringify(busy.pg)} ${JSON.stringify(busy.redis)}`,
            );
          }
        } finally {
          await worker.stop();
        }
      }
    }
  } finally {
    await sql.end();
    await environment.remove();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
