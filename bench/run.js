// npm run bench [scenario…]: Gatehouse's hot paths against baselines measured in the same run,
// as one report (bench/README.md). Every scenario is a file in bench/scenarios/ exporting
// { name, order, title, goal, run(context) }; the goals of features not on this branch yet are
// listed in bench/pending.js and shown as pending until their scenario file lands.
// BENCH_TINY=1 runs everything on a tiny data set for one short round (the test suite does).
const { readdirSync, mkdirSync, writeFileSync } = require('node:fs');
const { loadavg, cpus } = require('node:os');
const path = require('node:path');
const lib = require('./lib');
const pending = require('./pending');
const { startSink } = require('./smtp-sink');

const { log } = lib;
const TINY = process.env.BENCH_TINY === '1';

function loadDir(dir) {
  return readdirSync(path.join(__dirname, dir))
    .filter((file) => file.endsWith('.js'))
    .map((file) => require(path.join(__dirname, dir, file)))
    .sort((a, b) => a.order - b.order);
}

/**
 * The seeds a run writes: every one for the whole harness, or those the named scenarios list in
 * `seeds` (by seed name), in the seeds' order. A subset such as `health me-jwt` then starts in
 * seconds instead of after the million audit events, and measures a database no larger than it reads.
 */
function seedsFor(scenarios) {
  const seeds = loadDir('seeds');
  if (!scenarios) return seeds;
  const needed = new Set(scenarios.flatMap((s) => s.seeds ?? []));
  const unknown = [...needed].filter((name) => !seeds.some((seed) => seed.name === name));
  if (unknown.length) throw new Error(`no seed named ${unknown.join(', ')}; known: ${seeds.map((seed) => seed.name).join(', ')}`);
  return seeds.filter((seed) => needed.has(seed.name));
}

function settings() {
  return {
    tiny: TINY,
    seconds: Number(process.env.BENCH_SECONDS ?? (TINY ? 0.5 : 5)),
    rounds: Number(process.env.BENCH_ROUNDS ?? (TINY ? 1 : 5)),
    sizes: TINY
      ? { users: 50, teams: 5, resources: 10, grants: 50, auditEvents: 5_000, invitations: 20 }
      : { users: 10_000, teams: 500, resources: 10_000, grants: 50_000, auditEvents: 1_000_000, invitations: Number(process.env.BENCH_INVITATIONS ?? 10_000) },
  };
}

async function signInAdmin(port) {
  const login = await lib.json(port, 'POST', '/api/v1/auth/login', { body: { organization: 'default', email: lib.ADMIN_EMAIL, password: lib.ADMIN_PASSWORD } });
  if (login.status !== 200) throw new Error(`admin sign-in failed: ${login.status} ${JSON.stringify(login.body)}`);
  return login.body;
}

function row(scenario, outcome) {
  return { name: scenario.name, title: scenario.title, goal: scenario.goal, ...outcome };
}

const cell = (value) => (value === undefined || value === null || value === '' ? '—' : String(value).replace(/\|/g, '\\|'));

function report(rows, header) {
  const lines = [
    `# Gatehouse benchmark, ${header.date}`,
    '',
    `${header.tiny ? '**Tiny data set (BENCH_TINY=1): a check that the harness works; the figures mean nothing.** ' : ''}` +
      `Load average at start ${header.load}, ${header.cores} cores (${header.cpu}), Node ${process.version}. ` +
      `Each server runs in a process of its own pinned to core ${lib.SERVER_CORE}${lib.HAS_TASKSET ? '' : ' (taskset missing: unpinned)'}, ` +
      `the load (autocannon, keep-alive) in another pinned to core ${lib.LOAD_CORE}; ` +
      `${header.rounds} round(s) of ${header.seconds} s, interleaved with the baseline, median reported. ` +
      'The machine is shared and absolute figures are noisy: the same-run ratios are what count.',
    '',
    `Data set: ${header.seeded}.`,
    '',
    '| scenario | figure | baseline | ratio | goal | met | p50 / p99 | server CPU per request |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) =>
      `| ${cell(r.title)} | ${cell(r.figure)} | ${cell(r.baseline)} | ${cell(r.ratio)} | ${cell(r.goal)} | ${r.met === true ? '✓' : r.met === false ? '✗' : cell(r.status)} | ${cell(r.latency)} | ${cell(r.cpu)} |`,
    ),
    '',
  ];
  const notes = rows.filter((r) => r.notes);
  if (notes.length) lines.push('Notes:', '', ...notes.map((r) => `- ${r.title}: ${r.notes}`), '');
  return lines.join('\n');
}

async function main() {
  const wanted = process.argv.slice(2);
  const scenarios = loadDir('scenarios');
  const unknown = wanted.filter((name) => !scenarios.some((s) => s.name === name) && !pending.some((p) => p.name === name));
  if (unknown.length) throw new Error(`no scenario named ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  const chosen = wanted.length ? scenarios.filter((s) => wanted.includes(s.name)) : scenarios;
  const seeds = seedsFor(wanted.length ? chosen : null);
  const open = pending.filter((p) => !scenarios.some((s) => s.name === p.name) && (!wanted.length || wanted.includes(p.name)));
  const config = settings();
  const header = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    load: loadavg().map((l) => l.toFixed(2)).join(' '),
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    ...config,
    seeded: '',
  };
  log(`load average ${header.load}; ${chosen.length} scenario(s), ${config.rounds} round(s) of ${config.seconds} s${TINY ? ', tiny data set' : ''}`);

  if (process.env.BENCH_NO_BUILD !== '1') {
    log('building…');
    lib.build();
  }
  const environment = lib.benchEnvironment();
  const servers = [];
  const rows = [];
  const context = { ...config, lib, log, environment, servers };
  try {
    // as production runs it (docker/compose.yml): the API in one process, the workers (relays,
    // consumers, schedulers) in another, both on the servers' core; the CPU column counts the API's
    log('starting Gatehouse (the api process applies migrations, creates the organization; then the worker process) and the bare route…');
    context.sink = await startSink();
    const gatehouseEnv = (role) => lib.gatehouseEnv(environment, { SMTP_URL: `smtp://127.0.0.1:${context.sink.port}`, APP_ROLE: role });
    const starting = [lib.startServer('gatehouse', gatehouseEnv('api')), lib.startServer('bare', { PATH: process.env.PATH, NODE_ENV: 'production' })];
    const started = await Promise.allSettled(starting);
    for (const outcome of started) if (outcome.status === 'fulfilled') servers.push(outcome.value);
    for (const outcome of started) if (outcome.status === 'rejected') throw outcome.reason;
    [context.gatehouse, context.bare] = servers;
    context.worker = await lib.startServer('gatehouse', gatehouseEnv('worker'));
    servers.push(context.worker);

    context.sql = await environment.sql();
    const seeded = [];
    for (const seed of seeds) {
      const started = Date.now();
      log(`seeding ${seed.name}…`);
      const outcome = await seed.run(context);
      const summary = outcome.summary ?? `${outcome.count?.toLocaleString('en')} ${seed.name}`;
      seeded.push(outcome.skipped ? `${seed.name}: ${outcome.skipped}` : summary);
      log(`  ${outcome.skipped ?? summary} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    header.seeded = seeded.join(', ') || 'none (the named scenarios need only the bootstrap\'s organization and administrator)';
    await context.sql.query('analyze');

    const admin = await signInAdmin(context.gatehouse.port);
    context.admin = admin;
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const key = await lib.json(context.gatehouse.port, 'POST', '/api/v1/me/api-keys', { token: admin.accessToken, body: { name: 'bench', scopes: ['account:read'], expiresAt } });
    if (key.status !== 201 && key.status !== 200) throw new Error(`API key creation failed: ${key.status}`);
    context.apiKey = key.body.key;

    for (const scenario of chosen) {
      log(`\n${scenario.title} (${scenario.name}):`);
      const started = Date.now();
      try {
        rows.push(row(scenario, await scenario.run(context)));
        log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } catch (error) {
        log(`  failed: ${error.stack}`);
        rows.push(row(scenario, { met: false, notes: `failed: ${error.message}` }));
      }
    }
  } finally {
    await context.sql?.end().catch(() => undefined);
    for (const server of servers) await server.stop().catch(() => undefined);
    await environment.remove().catch(() => undefined);
    await context.sink?.close();
  }
  for (const p of open) rows.push({ ...p, status: `pending (issue ${p.issue})` });
  rows.sort((a, b) => order(a) - order(b));

  const text = report(rows, header);
  const dir = process.env.BENCH_RESULTS_DIR ?? path.join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().slice(0, 10)}${TINY ? '-tiny' : ''}.md`);
  writeFileSync(file, text);
  log(`\n${text}\nwritten to ${path.relative(process.cwd(), file)}`);
}

function order(r) {
  return (require('./pending').find((p) => p.name === r.name) ?? loadDir('scenarios').find((s) => s.name === r.name) ?? { order: 999 }).order;
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
}

