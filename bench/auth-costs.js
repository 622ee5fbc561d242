// node bench/auth-costs.js [n]: what one password sign-in and one refresh cost the API process
// (APP_ROLE=api, bench/count-round-trips.js preloaded), one request at a time: CPU of the main
// thread and of the other threads (libuv's argon2 pool, /proc/<pid>/task/*/stat), statements
// sent to PostgreSQL and commands sent to Redis, by first word, per request; then the same for
// POST /api/v1/authz/check asked with a personal API key.
const fs = require('node:fs');
const path = require('node:path');
const lib = require('./lib');

const n = Number(process.argv[2] ?? 100);
const TICK = 100; // clock ticks a second (getconf CLK_TCK)

function threadTicks(pid) {
  let main = 0;
  let others = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    if (Number(tid) === pid) main += ticks;
    else others += ticks;
  }
  return { main, others };
}

function roundTrips(server) {
  return new Promise((resolve) => {
    server.child.once('message', (message) => resolve(message.roundTrips));
    server.child.send('round-trips');
  });
}

const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
const per = (counts) => Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, +(v / n).toFixed(2)]));

async function main() {
  const environment = lib.benchEnvironment();
  lib.build();
  const api = await lib.startServer('gatehouse', lib.gatehouseEnv(environment, { APP_ROLE: 'api' }), ['-r', path.join(__dirname, 'count-round-trips.js')]);
  try {
    const measure = async (label, run) => {
      await roundTrips(api);
      const before = threadTicks(api.pid);
      await run();
      const after = threadTicks(api.pid);
      const counts = await roundTrips(api);
      const ms = (ticks) => ((ticks * 1000) / TICK / n).toFixed(2);
      lib.log(`${label} (${n}): CPU main ${ms(after.main - before.main)} ms + other threads ${ms(after.others - before.others)} ms a request;`);
      lib.log(`  statements ${(total(counts.pg) / n).toFixed(2)} ${JSON.stringify(per(counts.pg))}; Redis commands ${(total(counts.redis) / n).toFixed(2)} ${JSON.stringify(per(counts.redis))}`);
    };
    let tokens;
    for (let i = 0; i < 10; i++) tokens = await lib.signIn(api.port); // warm-up
    for (let i = 0; i < 10; i++) tokens = (await lib.json(api.port, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } })).body;
    await measure('password sign-in', async () => {
      for (let i = 0; i < n; i++) tokens = await lib.signIn(api.port);
    });
    await measure('refresh', async () => {
      for (let i = 0; i < n; i++) {
        const response = await lib.json(api.port, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
        if (response.status !== 200) throw new Error(`refresh answered ${response.status}`);
        tokens = response.body;
      }
    });
    // a service asking the decision API with a personal API key
    const admin = tokens.accessToken;
    await lib.json(api.port, 'POST', '/api/v1/resources', { token: admin, body: { type: 'application', externalId: 'bench-costs', name: 'bench' } });
    const created = await lib.json(api.port, 'POST', '/api/v1/me/api-keys', {
      token: admin,
      body: { name: 'bench', scopes: ['account:read', 'authz:check'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    const ask = { action: 'deploy', resource: { type: 'application', externalId: 'bench-costs' } };
    for (let i = 0; i < 10; i++) await lib.json(api.port, 'POST', '/api/v1/authz/check', { token: created.body.key, body: ask });
    await measure('authz check with an API key', async () => {
      for (let i = 0; i < n; i++) {
        const response = await lib.json(api.port, 'POST', '/api/v1/authz/check', { token: created.body.key, body: ask });
        if (response.status !== 200) throw new Error(`authz check answered ${response.status}`);
      }
    });
  } finally {
    await api.stop();
    await environment.remove();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
