// node bench/sign-in-costs.js [seconds] [pairs] [checkout…]: the sign-in row's load (4 concurrent
// password sign-ins, bench/scenarios/sign-in.js) against an api and a worker process of each
// checkout's build (dist/, as the harness starts them: both pinned to the servers' core, the load
// on the other), turn by turn with raw argon2id verifies (bench/argon2-rate.js) on the same core:
// raw, then each checkout, the order rotating each pair. Per checkout and turn it prints the
// ratio to the raw rate beside it and, per sign-in, the CPU of the api's main thread, of its other
// threads (libuv's: argon2), of the worker, and the servers' core left idle (/proc/stat), the
// figures that say where a sign-in's share of the core goes. With no checkout: this one.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lib = require('./lib');

const seconds = Number(process.argv[2] ?? 5);
const pairs = Number(process.argv[3] ?? 3);
const checkouts = process.argv.length > 4 ? process.argv.slice(4).map((c) => path.resolve(c)) : [lib.ROOT];
const CONCURRENCY = 4;
// SEQUENTIAL=n: each turn signs in n times one at a time instead of the 4-concurrent load for `seconds`
const SEQUENTIAL = Number(process.env.SEQUENTIAL ?? 0);
// COUNT=1: statements and Redis commands per sign-in in each process too (the counter's own cost in the CPU figures);
// COUNT_TEXT=n: each by its first n characters (bench/count-round-trips.js)
const COUNT = process.env.COUNT === '1';

/** CPU time (ns, /proc/<pid>/task/<tid>/schedstat: not the stat's 10 ms ticks) of the main thread and of the others. */
function threadCpu(pid) {
  let main = 0;
  let others = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let ns;
    try {
      ns = Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      continue; // the thread ended
    }
    if (Number(tid) === pid) main += ns;
    else others += ns;
  }
  return { main, others };
}

/** The servers' core's idle and total ticks so far. */
function coreTicks() {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith(`cpu${lib.SERVER_CORE} `));
  const values = line.split(/\s+/).slice(1).map(Number);
  return { idle: values[3] + values[4], total: values.reduce((a, b) => a + b, 0) };
}

function ask(child, question, key) {
  return new Promise((resolve) => {
    const answer = (message) => {
      if (!message[key]) return;
      child.off('message', answer);
      resolve(message[key]);
    };
    child.on('message', answer);
    child.send(question);
  });
}

/** bench/server.js of `root`, pinned like the harness's; answers port, pid and stop. */
async function startServer(root, env, nodeArgs = []) {
  const [command, args] = lib.pinned(lib.SERVER_CORE, process.execPath, [...nodeArgs, path.join(root, 'bench', 'server.js'), 'gatehouse']);
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  child.stdout.resume();
  const server = await lib.listening(child, `gatehouse of ${root}`);
  return {
    ...server,
    /** The api's argon2 time so far (bench/argon2-busy.js). */
    argon2: () => ask(child, 'argon2-busy', 'argon2Busy'),
    /** Statements and Redis commands since the last call (bench/count-round-trips.js, COUNT=1). */
    roundTrips: () => (COUNT ? ask(child, 'round-trips', 'roundTrips') : Promise.resolve(null)),
  };
}

/** The raw verifies' rate and their process's CPU per verify (ms, /usr/bin/time). */
function rawRate() {
  const timeFile = path.join(os.tmpdir(), `gh-sign-in-costs-${process.pid}.time`);
  const [command, args] = lib.pinned(lib.SERVER_CORE, '/usr/bin/time', ['-f', '%U %S', '-o', timeFile, process.execPath, path.join(__dirname, 'argon2-rate.js'), String(seconds), String(CONCURRENCY)]);
  const { perSecond } = JSON.parse(execFileSync(command, args).toString());
  const [user, system] = fs.readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  fs.rmSync(timeFile, { force: true });
  return { perSecond, cpuMs: ((user + system) * 1000) / (perSecond * seconds) };
}

/** The api's and the worker's CPU ns a second with no load (polls, timers): subtracted from a load's. */
async function idleCpu(target) {
  const api = threadCpu(target.api.pid);
  const worker = threadCpu(target.worker.pid);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const apiAfter = threadCpu(target.api.pid);
  const workerAfter = threadCpu(target.worker.pid);
  return {
    main: (apiAfter.main - api.main) / seconds,
    others: (apiAfter.others - api.others) / seconds,
    worker: (workerAfter.main + workerAfter.others - worker.main - worker.others) / seconds,
  };
}

/** SEQUENTIAL sign-ins one after another (each on a connection of its own): the CPU of one sign-in alone, its pass in the worker included. */
async function oneAtATime(api) {
  const started = Date.now();
  for (let i = 0; i < SEQUENTIAL; i++) await lib.signIn(api.port);
  return { ok: SEQUENTIAL, other: 0, perSecond: SEQUENTIAL / ((Date.now() - started) / 1000) };
}

async function measure(target) {
  const body = JSON.stringify({ organization: 'default', email: lib.ADMIN_EMAIL, password: lib.ADMIN_PASSWORD });
  const api = threadCpu(target.api.pid);
  const worker = threadCpu(target.worker.pid);
  const core = coreTicks();
  const hashing = await target.api.argon2();
  await target.api.roundTrips();
  await target.worker.roundTrips();
  const started = Date.now();
  const result = SEQUENTIAL ? await oneAtATime(target.api) : await lib.loadOnce(target.api, { method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, body, connections: CONCURRENCY, seconds });
  const elapsed = (Date.now() - started) / 1000;
  const apiAfter = threadCpu(target.api.pid);
  const workerAfter = threadCpu(target.worker.pid);
  const coreAfter = coreTicks();
  const hashingAfter = await target.api.argon2();
  await new Promise((resolve) => setTimeout(resolve, 1000)); // the worker's last passes
  const apiCounts = await target.api.roundTrips();
  const workerCounts = await target.worker.roundTrips();
  const perSignIn = (counts) => {
    if (!counts) return null;
    const all = (kind) => Object.values(counts[kind]).reduce((a, b) => a + b, 0) / Math.max(result.ok, 1);
    return `${all('pg').toFixed(2)} statements + ${all('redis').toFixed(2)} Redis ${JSON.stringify(Object.fromEntries(Object.entries({ ...counts.pg, ...counts.redis }).map(([k, v]) => [k, +(v / result.ok).toFixed(2)])))}`;
  };
  const ms = (ns, idle) => (ns - idle * elapsed) / 1e6 / Math.max(result.ok, 1);
  return {
    perSecond: result.perSecond,
    other: result.other,
    main: ms(apiAfter.main - api.main, target.idle.main),
    others: ms(apiAfter.others - api.others, target.idle.others),
    worker: ms(workerAfter.main + workerAfter.others - worker.main - worker.others, target.idle.worker),
    // the load's sign-ins were in flight for its whole length: any time no verify ran the pool was idle
    poolIdle: 1 - (hashingAfter.busyMs - hashing.busyMs) / (hashingAfter.at - hashing.at),
    counts: COUNT ? `api ${perSignIn(apiCounts)}; worker ${perSignIn(workerCounts)}` : null,
    idle: (coreAfter.idle - core.idle) / Math.max(coreAfter.total - core.total, 1),
  };
}

async function main() {
  const targets = [];
  try {
    for (const root of checkouts) {
      const environment = lib.benchEnvironment();
      const env = (role) => ({ ...lib.gatehouseEnv(environment, { APP_ROLE: role }), SMTP_URL: 'smtp://127.0.0.1:9', ...(process.env.COUNT_TEXT ? { COUNT_TEXT: process.env.COUNT_TEXT } : {}) });
      const target = { root, environment, servers: [] };
      targets.push(target);
      // the checkout's own counter: it patches that checkout's pg and ioredis
      const counter = COUNT ? ['-r', path.join(root, 'bench', 'count-round-trips.js')] : [];
      // API_NODE_ARGS, WORKER_NODE_ARGS: flags for either process, e.g. `--perf-basic-prof` for `perf record`, or
      // `--cpu-prof --cpu-prof-dir=/tmp/x` (the profile is written when the process stops)
      const nodeArgs = (name) => process.env[name]?.split(' ').filter(Boolean) ?? [];
      target.api = await startServer(root, env('api'), ['-r', path.join(__dirname, 'argon2-busy.js'), ...counter, ...nodeArgs('API_NODE_ARGS')]);
      target.servers.push(target.api);
      target.worker = await startServer(root, env('worker'), [...counter, ...nodeArgs('WORKER_NODE_ARGS')]);
      target.servers.push(target.worker);
      for (let i = 0; i < 20; i++) await lib.signIn(target.api.port); // warm-up
    }
    for (const target of targets) {
      await new Promise((resolve) => setTimeout(resolve, 2000)); // the warm-up's events projected
      target.idle = await idleCpu(target);
      const ms = (ns) => (ns / 1e6).toFixed(2);
      lib.log(`${path.basename(target.root)} idle: CPU ms a second, api main ${ms(target.idle.main)}, other threads ${ms(target.idle.others)}, worker ${ms(target.idle.worker)}`);
    }
    const results = new Map(targets.map((t) => [t, []]));
    for (let pair = 0; pair < pairs; pair++) {
      const raw = rawRate();
      const order = targets.map((_, i) => targets[(i + pair) % targets.length]);
      for (const target of order) {
        const r = { ...(await measure(target)), raw: raw.perSecond, rawCpu: raw.cpuMs, load: fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0] };
        results.get(target).push(r);
        lib.log(
          `pair ${pair + 1} ${path.basename(target.root)}: ${r.perSecond.toFixed(1)}/s vs raw ${r.raw.toFixed(1)}/s (${r.rawCpu.toFixed(1)} ms CPU each) = ${(r.perSecond / r.raw).toFixed(3)}; ` +
            `per sign-in CPU main ${r.main.toFixed(2)} ms, other threads ${r.others.toFixed(2)} ms, worker ${r.worker.toFixed(2)} ms; argon2 pool idle ${(100 * r.poolIdle).toFixed(1)} %, core idle ${(100 * r.idle).toFixed(1)} %; load ${r.load}` +
            (r.other ? `; ${r.other} non-2xx` : '') +
            (r.counts ? `\n  per sign-in: ${r.counts}` : ''),
        );
      }
    }
    for (const [target, rs] of results) {
      const med = (key) => lib.median(rs.map((r) => r[key]));
      lib.log(
        `${path.basename(target.root)} median: ratio ${lib.median(rs.map((r) => r.perSecond / r.raw)).toFixed(3)}, main ${med('main').toFixed(2)} ms, ` +
          `other threads ${med('others').toFixed(2)} ms (raw verify ${med('rawCpu').toFixed(2)} ms), worker ${med('worker').toFixed(2)} ms, pool idle ${(100 * med('poolIdle')).toFixed(1)} %, core idle ${(100 * med('idle')).toFixed(1)} %`,
      );
    }
  } finally {
    for (const target of targets) {
      for (const server of target.servers) await server.stop();
      await target.environment.remove();
    }
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
