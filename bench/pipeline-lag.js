// node bench/pipeline-lag.js [checkout]: the audit pipeline's lag alone, as the harness's direct
// steady run measures it (events appended straight into the store, five a transaction, 500/s for
// 5 s), round after round (PIPELINE_LAG_ROUNDS, 3) on a fresh Gatehouse (api and worker processes):
// lag p50/p99, the worker's CPU per event and the largest lag of each half second, so a slow start
// of a burst shows apart from a slow pass. PIPELINE_LAG_BURST=1 first appends the capacity run's
// backlog (4 connections, 100 a transaction, 5 s) and waits for it to drain.
const path = require('node:path');

const checkout = process.argv[2] ?? path.join(__dirname, '..');
const lib = require(path.join(checkout, 'bench', 'lib.js'));
const { appendDirectly, head: streamHead, projected } = require(path.join(checkout, 'bench', 'scenarios', 'audit-pipeline.js'));

async function main() {
  const environment = lib.benchEnvironment();
  const env = (role) => lib.gatehouseEnv(environment, { SMTP_URL: 'smtp://127.0.0.1:1', APP_ROLE: role });
  const servers = [];
  try {
    servers.push(await lib.startServer('gatehouse', env('api')));
    const worker = await lib.startServer('gatehouse', env('worker'));
    servers.push(worker);
    const sql = await environment.sql();
    const {
      rows: [org],
    } = await sql.query("select id from organizations where slug = 'default'");
    const context = { environment };
    const head = () => streamHead(sql, org.id);
    if (process.env.PIPELINE_LAG_BURST) {
      const start = await head();
      await appendDirectly(context, org.id, { seconds: 5, connections: 4, perTransaction: 100 });
      const burst = await projected(sql, org.id, start);
      lib.log(`backlog: ${burst.events} events drained at ${(burst.events / burst.span).toFixed(0)}/s`);
    }
    for (let round = 1; round <= Number(process.env.PIPELINE_LAG_ROUNDS ?? 3); round++) {
      const start = await head();
      const cpuBefore = lib.cpuSeconds(worker.pid);
      await appendDirectly(context, org.id, { seconds: 5, connections: 4, perTransaction: 5, rate: 500 });
      const lag = await projected(sql, org.id, start);
      const workerUs = ((lib.cpuSeconds(worker.pid) - cpuBefore) * 1e6) / lag.events;
      const { rows } = await sql.query(
        `select floor(extract(epoch from e.occurred_at - min(e.occurred_at) over ()) * 2)::int as half,
                extract(epoch from (a.projected_at - e.occurred_at)) * 1000 as lag
           from events e join audit_log a on a.event_id = e.id
          where e.organization_id = $1 and e.seq > $2`,
        [org.id, start],
      );
      const worst = new Map();
      for (const { half, lag: ms } of rows) worst.set(half, Math.max(worst.get(half) ?? 0, ms));
      const halves = [...worst.entries()].sort((a, b) => a[0] - b[0]).map(([, ms]) => ms.toFixed(0));
      lib.log(`round ${round}: ${lag.events} events, lag p50 ${lag.p50.toFixed(1)} / p99 ${lag.p99.toFixed(1)} ms, worker ${workerUs.toFixed(0)} µs an event; largest lag each half second: ${halves.join(' ')} ms`);
    }
    await sql.end();
  } finally {
    for (const server of servers.reverse()) await server.stop().catch(() => undefined);
    await environment.remove();
  }
}

main().catch((error) => {
  lib.log(error.stack);
  process.exitCode = 1;
});
