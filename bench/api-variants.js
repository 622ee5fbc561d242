// node bench/api-variants.js <rounds> <seconds> <path> '<node flags>' '<node flags>' …: one `api`
// process per argument (flags such as '--single-threaded-gc', '' for none) on one database, a
// worker and the bare route, all pinned to the servers' core as the harness pins them; rounds
// alternate between them and print each one's rate and CPU per request, the main thread's and the
// other threads' (GC helpers, compilers, libuv) apart. The first api process creates the
// organization at start (the bootstrap), the others find it. A path under /api is asked with the
// administrator's JWT.
const { readdirSync, readFileSync } = require('node:fs');
const lib = require('./lib');

/** CPU ms of a process's main thread and of its other threads (/proc/<pid>/task). */
function threadMs(pid) {
  const ms = { main: 0, other: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ms[tid === String(pid) ? 'main' : 'other'] += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  }
  return ms;
}

async function main() {
  const [rounds = '3', seconds = '5', urlPath = '/health/live', ...variants] = process.argv.slice(2);
  const environment = lib.benchEnvironment();
  const servers = [];
  try {
    const env = (role) => lib.gatehouseEnv(environment, { APP_ROLE: role });
    const targets = [];
    for (const [i, flags] of (variants.length ? variants : ['']).entries()) {
      const server = await lib.startServer('gatehouse', env('api'), flags.split(' ').filter(Boolean));
      servers.push(server);
      targets.push({ name: `api${i}${flags ? ` (${flags})` : ''}`, server, path: urlPath });
    }
    servers.push(await lib.startServer('gatehouse', env('worker')));
    const bare = await lib.startServer('bare', { PATH: process.env.PATH, NODE_ENV: 'production' });
    servers.push(bare);
    const headers = urlPath.startsWith('/api') ? { authorization: `Bearer ${(await lib.signIn(targets[0].server.port)).accessToken}` } : {};
    targets.push({ name: 'bare', server: bare, path: '/bare' });
    const load = (t, s) => lib.loadOnce(t.server, { path: t.path, headers: t.server === bare ? {} : headers, seconds: s });
    for (const t of targets) await load(t, 2);
    const rows = new Map(targets.map((t) => [t, []]));
    for (let round = 1; round <= Number(rounds); round++) {
      const line = [`round ${round}, load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`];
      for (const t of round % 2 ? targets : [...targets].reverse()) {
        const before = threadMs(t.server.pid);
        const result = await load(t, Number(seconds));
        const after = threadMs(t.server.pid);
        const n = result.ok + result.other;
        const row = { rate: result.perSecond, cpu: result.cpuPerRequestUs, main: ((after.main - before.main) * 1000) / n, other: ((after.other - before.other) * 1000) / n };
        rows.get(t).push(row);
        line.push(`${t.name} ${row.rate.toFixed(0)}/s ${row.cpu.toFixed(0)} µs (main ${row.main.toFixed(0)}, other ${row.other.toFixed(0)})`);
      }
      lib.log(line.join(' | '));
    }
    for (const [t, r] of rows) {
      const m = (key) => lib.median(r.map((x) => x[key])).toFixed(1);
      lib.log(`median ${t.name}: ${m('cpu')} µs per request (main ${m('main')}, other threads ${m('other')}), ${m('rate')}/s`);
    }
  } finally {
    for (const server of servers) await server.stop().catch(() => undefined);
    await environment.remove().catch(() => undefined);
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
