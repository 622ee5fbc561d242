// node bench/statements.js [commands]: what one PATCH /api/v1/me costs in round trips, counted in
// the processes production runs (docker/compose.yml): an `api` and a `worker` Gatehouse, each from
// dist/ with bench/count-round-trips.js preloaded. The commands go one at a time, each waited for
// until every consumer's position reached the stream's head (so nothing batches), then the same
// number in parallel (8 at a time). The polls' fixed cost (relays and catch-up, once a second) is
// counted over an idle period as long and subtracted. Prints statements, Redis commands and CPU
// (from /proc, less the idle period's) per command in each process.
const lib = require('./lib');
const path = require('node:path');

const commands = Number(process.argv[2] ?? 20);

function roundTrips(server) {
  return new Promise((resolve) => {
    server.child.once('message', (message) => resolve(message.roundTrips));
    server.child.send('round-trips');
  });
}

const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);

const caughtUp = (sql) => lib.caughtUp(sql);

async function main() {
  const environment = lib.benchEnvironment();
  lib.build();
  const preload = ['-r', path.join(__dirname, 'count-round-trips.js')];
  const servers = [];
  const sql = { end: async () => undefined };
  try {
    const api = await lib.startServer('gatehouse', lib.gatehouseEnv(environment, { APP_ROLE: 'api' }), preload);
    servers.push(api);
    const worker = await lib.startServer('gatehouse', lib.gatehouseEnv(environment, { APP_ROLE: 'worker' }), preload);
    servers.push(worker);
    const client = await environment.sql();
    sql.end = () => client.end();
    const { accessToken } = await lib.signIn(api.port);
    let n = 0;
    const patch = async () => {
      const response = await lib.json(api.port, 'PATCH', '/api/v1/me', { token: accessToken, body: { name: `Counted ${n++}` } });
      if (response.status !== 200) throw new Error(`PATCH /me answered ${response.status}`);
    };
    for (let i = 0; i < 5; i++) await patch(); // warm-up: prepared statements, positions
    await caughtUp(client);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await Promise.all(servers.map(roundTrips));

    const cpu = () => servers.map((server) => lib.cpuSeconds(server.pid));
    const measure = async (label, run) => {
      const started = Date.now();
      const cpuBefore = cpu();
      await run();
      await caughtUp(client);
      const seconds = (Date.now() - started) / 1000;
      const cpuBusy = cpu().map((c, i) => c - cpuBefore[i]);
      const [a, w] = await Promise.all(servers.map(roundTrips));
      // the same time idle: what the polls cost meanwhile
      const idleBefore = cpu();
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      const cpuIdle = cpu().map((c, i) => c - idleBefore[i]);
      const [ai, wi] = await Promise.all(servers.map(roundTrips));
      const per = (busy, idle) => ((total(busy) - total(idle)) / commands).toFixed(1);
      // CPU per command from /proc (10 ms ticks: use n ≥ 100), less the idle period's
      const cpuPer = (i) => `${(((cpuBusy[i] - cpuIdle[i]) * 1e6) / commands).toFixed(0)} µs CPU/command`;
      lib.log(`${label} (${commands} commands, ${seconds.toFixed(1)} s):`);
      lib.log(`  api    statements/command ${per(a.pg, ai.pg)}, Redis commands/command ${per(a.redis, ai.redis)}, ${cpuPer(0)}  ${JSON.stringify(a.pg)} ${JSON.stringify(a.redis)}`);
      lib.log(`  worker statements/command ${per(w.pg, wi.pg)}, Redis commands/command ${per(w.redis, wi.redis)}, ${cpuPer(1)}  ${JSON.stringify(w.pg)} ${JSON.stringify(w.redis)}`);
      lib.log(`  idle meanwhile: api ${JSON.stringify(ai.pg)} ${JSON.stringify(ai.redis)}; worker ${JSON.stringify(wi.pg)} ${JSON.stringify(wi.redis)}`);
    };
    await measure('one at a time, each projected before the next', async () => {
      for (let i = 0; i < commands; i++) {
        await patch();
        await caughtUp(client);
      }
    });
    await measure('8 at a time', async () => {
      for (let i = 0; i < commands; i += 8) await Promise.all(Array.from({ length: Math.min(8, commands - i) }, patch));
    });
  } finally {
    await sql.end();
    for (const server of servers.reverse()) await server.stop();
    await environment.remove();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
