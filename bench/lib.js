// Shared by the benchmark scenarios: HTTP over keep-alive, a database and Redis prefix of the
// run's own (removed at the end), the build, servers each in a process of its own pinned to a
// core, load from a separate process pinned to the other core, CPU time per request, and
// rounds interleaved with their baseline.
const { spawn, spawnSync, execFileSync } = require('node:child_process');
const { createWriteStream, readFileSync, existsSync, rmSync } = require('node:fs');
const http = require('node:http');
const { availableParallelism } = require('node:os');
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const { Client } = require('pg');
const { Redis } = require('ioredis');

const ROOT = path.resolve(__dirname, '..');
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_EMAIL = 'admin@example.com';
const ADMIN_PASSWORD = 'benchmark administrator password';

// the servers on one core, the load on another: otherwise a ratio measures the contention
const CORES = availableParallelism();
const SERVER_CORE = 0;
const LOAD_CORE = CORES > 1 ? 1 : 0;
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();
const HAS_TASKSET = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return true;
  } catch {
    return false;
  }
})();

const log = (message) => process.stdout.write(`${message}\n`);

/** argv for `command` pinned to `core` (unpinned where taskset is missing). */
function pinned(core, command, args) {
  return HAS_TASKSET ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
}

function request(agent, port, method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (body) req.end(body);
    else req.end();
  });
}

/** One JSON request on a fresh agent; answers status and parsed body. */
async function json(port, method, path, { token, body } = {}) {
  const agent = new http.Agent({ keepAlive: false });
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await request(agent, port, method, path, headers, body === undefined ? undefined : JSON.stringify(body));
  agent.destroy();
  try {
    return { status: response.status, body: JSON.parse(response.body) };
  } catch {
    return { status: response.status, body: response.body };
  }
}

/**
 * Signs `email` in with the benchmark password; answers the token pair. A 503 or 429 (sign-ins
 * at capacity, e.g. while an overload drains) is waited out as its Retry-After says.
 */
async function signIn(port, email = ADMIN_EMAIL) {
  for (let attempt = 1; ; attempt++) {
    const response = await json(port, 'POST', '/api/v1/auth/login', { body: { organization: 'default', email, password: ADMIN_PASSWORD } });
    if (response.status === 200) return response.body;
    if ((response.status !== 503 && response.status !== 429) || attempt >= 30) throw new Error(`sign-in of ${email} failed: ${response.status}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function build() {
  execFileSync('npx', ['nest', 'build'], { cwd: ROOT, stdio: 'ignore' });
}

/** A database name and Redis key prefix for this run, and their removal. */
function benchEnvironment() {
  const id = randomBytes(4).toString('hex');
  const database = `gh_bench_${id}`;
  const prefix = `{gh-bench-${id}}`;
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${database}`;
  return {
    database,
    prefix,
    databaseUrl: dbUrl.toString(),
    /** The run's own ENCRYPTION_KEY, as production requires (32 random bytes, never a published one). */
    encryptionKey: randomBytes(32).toString('base64'),
    /** The run's METRICS_TOKEN: what an operator serving /metrics on PORT sets. */
    metricsToken: randomBytes(24).toString('hex'),
    /** A client on the run's database (for seeding, progress and checks). */
    async sql() {
      const client = new Client({ connectionString: dbUrl.toString() });
      await client.connect();
      return client;
    },
    async remove() {
      const pg = new Client({ connectionString: ADMIN_URL });
      await pg.connect();
      await pg.query(`drop database if exists "${database}" with (force)`);
      await pg.end();
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

/** The environment of a Gatehouse process of the benchmark on `environment`. */
function gatehouseEnv(environment, extraEnv = {}) {
  return {
    PATH: process.env.PATH,
    // what an operator runs: production, with what production requires (its own encryption
    // key, argon2id at OWASP's minimum or more) and what it advises (a metrics token);
    // config/test.json (cheap hashes, 200 ms polls) is not loaded, and the event store does
    // not validate payloads against the catalogue as it does outside production
    NODE_ENV: 'production',
    ENCRYPTION_KEY: environment.encryptionKey,
    METRICS_TOKEN: environment.metricsToken,
    // request logging on at the default level, written to a pipe
    LOG_LEVEL: 'info',
    DATABASE_URL: environment.databaseUrl,
    REDIS_URL,
    REDIS_KEY_PREFIX: environment.prefix,
    BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // one address makes every request here: the per-address limits would measure themselves
    LOCKOUT_IP_MAX_FAILURES: '100000',
    RATE_LIMIT_ANONYMOUS_POINTS: '1000000',
    // production's floor, stated so that a change of the default does not change the figures
    PASSWORD_HASH_MEMORY_KIB: '19456',
    PASSWORD_HASH_ITERATIONS: '2',
    ...extraEnv,
  };
}

/**
 * Seconds the process's main thread (a node process's event loop) waited runnable for a CPU
 * (/proc/PID/schedstat): time it could not run because others had the core, not work of its own.
 */
function runQueueSeconds(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/**
 * Starts bench/server.js (`gatehouse` or `bare`) pinned to the server core; answers its port,
 * pid and a stop function. Its stdout (the request log) is drained as a log collector would,
 * or kept in BENCH_SERVER_LOG_DIR as `<kind>-<pid>.log` (with BENCH_NODE_ARGS such as
 * --trace-gc, whose lines go to stdout).
 */
async function startServer(kind, env, nodeArgs = []) {
  // BENCH_NODE_ARGS: Node flags for every server of a run (an experiment: --trace-deopt, heap sizes)
  const flags = [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...nodeArgs];
  const [command, args] = pinned(SERVER_CORE, process.execPath, [...flags, path.join(__dirname, 'server.js'), kind]);
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const logDir = process.env.BENCH_SERVER_LOG_DIR;
  if (logDir) child.stdout.pipe(createWriteStream(path.join(logDir, `${kind}-${child.pid}.log`)));
  else child.stdout.resume();
  return listening(child, `bench server (${kind})`);
}

/**
 * A server process started with an IPC channel (bench/server.js): its port, sent once it
 * listens, its pid, the child and a stop function (SIGTERM, waits for the exit).
 */
async function listening(child, label) {
  const port = await new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`${label} exited with ${code}`)));
  });
  return {
    port,
    pid: child.pid,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Starts Gatehouse from another checkout's dist/ (an old build: `git worktree add /tmp/old
 * <commit>`, its node_modules linked, `npx nest build` there) as startServer does, with
 * bench/count-round-trips.js preloaded: `roundTrips()` answers its counts since the last call.
 */
async function startCheckout(checkout, env, nodeArgs = []) {
  const preload = ['-r', path.join(checkout, 'bench', 'count-round-trips.js'), ...nodeArgs];
  const [command, args] = pinned(SERVER_CORE, process.execPath, [...preload, path.join(checkout, 'bench', 'server.js'), 'gatehouse']);
  const child = spawn(command, args, { cwd: checkout, env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  // taskset execs node in place: the child's pid is the server's
  const server = await listening(child, `Gatehouse of ${checkout}`);
  return {
    ...server,
    roundTrips: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve(message.roundTrips));
        child.send('round-trips');
      }),
  };
}

/** Waits until every committed event is sealed and every consumer's position has reached its organization's stream head. */
async function caughtUp(sql, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await sql.query(
      `select ((select count(*) from event_streams s join projection_positions p on p.organization_id = s.organization_id
                 where p.last_seq < s.last_seq) + (select count(*) from event_pending))::int as behind`,
    );
    if (rows[0].behind === 0) return;
    if (Date.now() > deadline) throw new Error(`the consumers are still behind after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Runs a load script of bench/ (load.js: autocannon) pinned to the load core against one server;
 * answers what it prints (2xx per second, latency p50/p99 in ms, status counts) and the
 * server's CPU µs per answered request.
 */
async function runLoad(server, script, spec) {
  const [command, args] = pinned(LOAD_CORE, process.execPath, [path.join(__dirname, script), JSON.stringify(spec)]);
  const cpuBefore = cpuSeconds(server.pid);
  const out = await new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`${script} exited with ${code}`))));
  });
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  const result = JSON.parse(out);
  const answered = result.ok + result.other;
  return { ...result, cpuPerRequestUs: answered ? (cpu * 1e6) / answered : NaN };
}

/** autocannon against one server for `seconds` (see runLoad). */
function loadOnce(server, { method = 'GET', path: urlPath, headers = {}, body, connections = 32, seconds, rotate, rate }) {
  return runLoad(server, 'load.js', { url: `http://127.0.0.1:${server.port}${urlPath}`, method, headers, body, connections, seconds, rotate, rate });
}

/**
 * Runs `node dist/cli/audit.js <args>` (npm run audit:*) on the run's database, pinned to the
 * server core, under /usr/bin/time; answers its stderr (progress and summary), its peak memory
 * (max RSS, KiB; NaN without /usr/bin/time) and the wall-clock seconds, boot included.
 */
function runAuditTool(environment, args) {
  const timeFile = path.join(require('node:os').tmpdir(), `gh-bench-audit-${process.pid}-${randomBytes(3).toString('hex')}.time`);
  const hasTime = existsSync('/usr/bin/time');
  const node = [path.join(ROOT, 'dist/cli/audit.js'), ...args];
  const [command, argv] = pinned(SERVER_CORE, hasTime ? '/usr/bin/time' : process.execPath, hasTime ? ['-f', '%M', '-o', timeFile, process.execPath, ...node] : node);
  const started = Date.now();
  const run = spawnSync(command, argv, {
    cwd: ROOT,
    env: gatehouseEnv(environment, { LOG_LEVEL: 'silent' }),
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (Date.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`audit ${args[0]} failed (${run.status}): ${run.stderr}`);
  let maxRssKb = NaN;
  if (hasTime) {
    maxRssKb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
    rmSync(timeFile, { force: true });
  }
  return { stderr: run.stderr, maxRssKb, seconds };
}

/** Who a CPU profile's frame belongs to: an npm package, a file of Gatehouse's build, a Node module, or the function itself (native). */
function frameOwner(callFrame) {
  const url = callFrame.url;
  if (url.includes('node_modules/')) {
    const inModules = url.split('node_modules/').pop();
    return inModules.split('/').slice(0, inModules.startsWith('@') ? 2 : 1).join('/');
  }
  if (url.includes('/dist/')) return `gatehouse ${url.split('/dist/').pop()}`;
  if (url.startsWith('node:')) return url;
  return callFrame.functionName || '(native)';
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The round whose rate is the median of the rounds (so its latency and CPU come with it). */
function medianRound(rounds) {
  const rate = median(rounds.map((r) => r.perSecond));
  return rounds.reduce((best, r) => (Math.abs(r.perSecond - rate) < Math.abs(best.perSecond - rate) ? r : best));
}

/**
 * Measures `target` against the bare route round by round, alternating which goes first, after
 * a warm-up of each; answers the median round of each and the median of the per-round ratios.
 * `request`: the bare route's method, headers and body (`GET /bare` unless told).
 */
async function compareToBare(context, name, target, request = {}) {
  const { rounds, seconds, bare } = context;
  const baseline = { server: bare, path: '/bare', ...request };
  if (!context.tiny) {
    await loadOnce(bare, { ...baseline, seconds: 1 });
    await loadOnce(target.server, { ...target, seconds: 1 });
  }
  const ours = [];
  const theirs = [];
  // the worker shares the servers' core: what it ran during a round is time the round lost
  const workerPid = context.worker?.pid;
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 ? [baseline, target] : [target, baseline];
    for (const which of order) {
      const [workerBefore, started] = [cpuSeconds(workerPid), Date.now()];
      const result = await loadOnce(which.server, { ...which, seconds });
      result.workerShare = (cpuSeconds(workerPid) - workerBefore) / ((Date.now() - started) / 1000);
      (which === baseline ? theirs : ours).push(result);
    }
    const [o, t] = [ours[ours.length - 1], theirs[theirs.length - 1]];
    log(
      `  ${name} round ${round}/${rounds}: ${o.perSecond.toFixed(0)}/s vs bare ${t.perSecond.toFixed(0)}/s (${(o.perSecond / t.perSecond).toFixed(3)}), ` +
        `CPU ${cpuPerRequest(o)} vs ${cpuPerRequest(t)} per request, worker ${percent(o.workerShare)} / ${percent(t.workerShare)} of the core${o.other ? `, ${o.other} non-2xx` : ''}`,
    );
    if (o.ok === 0) throw new Error(`${name}: no request succeeded (${JSON.stringify(o.statuses)})`);
  }
  return { ours: medianRound(ours), bare: medianRound(theirs), ratio: median(ours.map((o, i) => o.perSecond / theirs[i].perSecond)) };
}

const percent = (share) => (Number.isFinite(share) ? `${(100 * share).toFixed(0)} %` : '—');
const perSecond = (value) => `${value >= 100 ? value.toFixed(0) : value.toFixed(1)}/s`;
const latency = (r) => `${r.p50} / ${r.p99} ms`;
const cpuPerRequest = (r) => (Number.isFinite(r.cpuPerRequestUs) ? `${r.cpuPerRequestUs.toFixed(0)} µs` : '—');

/** A report row of an HTTP figure compared with the bare route. */
function httpRow(comparison, goal) {
  return {
    figure: perSecond(comparison.ours.perSecond),
    baseline: `${perSecond(comparison.bare.perSecond)} (bare; ${cpuPerRequest(comparison.bare)}/req)`,
    ratio: comparison.ratio.toFixed(3),
    met: comparison.ratio >= goal,
    latency: latency(comparison.ours),
    cpu: cpuPerRequest(comparison.ours),
  };
}

module.exports = {
  frameOwner,
  perSecond,
  latency,
  cpuPerRequest,
  httpRow,
  ROOT,
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  REDIS_URL,
  SERVER_CORE,
  LOAD_CORE,
  HAS_TASKSET,
  log,
  pinned,
  request,
  json,
  signIn,
  build,
  benchEnvironment,
  gatehouseEnv,
  cpuSeconds,
  runQueueSeconds,
  startServer,
  startCheckout,
  listening,
  caughtUp,
  runLoad,
  loadOnce,
  runAuditTool,
  median,
  medianRound,
  compareToBare,
};
