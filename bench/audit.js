// npm run bench:audit: the audit pipeline against Gatehouse built and started from dist/ on
// a database and Redis prefix of its own (removed after).
// 1. steady load: BENCH_AUDIT_CLIENTS (default 8) clients invite users for BENCH_AUDIT_SECONDS
//    (default 20); events/s committed and projected, projection lag p50/p99 (projected_at - occurred_at);
// 2. BENCH_AUDIT_EVENTS (default 1,000,000) synthetic events in one organization, loaded set-wise,
//    then p50/p95 of filtered first pages of GET /api/v1/audit/events (100 requests per filter);
// 3. npm run audit:export of everything: MB/s and the tool's peak memory (max RSS);
// 4. npm run audit:rebuild: events/s.
const http = require('node:http');
const { spawnSync } = require('node:child_process');
const { readFileSync, statSync, rmSync } = require('node:fs');
const { ROOT, log, request, build, benchEnvironment, startServer, adminToken } = require('./lib');

const CLIENTS = Number(process.env.BENCH_AUDIT_CLIENTS ?? 8);
const SECONDS = Number(process.env.BENCH_AUDIT_SECONDS ?? 20);
const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

function runTool(environment, args) {
  const out = `/tmp/gh-bench-audit-${process.pid}.time`;
  const run = spawnSync('/usr/bin/time', ['-f', '%M', '-o', out, 'node', 'dist/cli/audit.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: environment.databaseUrl, REDIS_KEY_PREFIX: environment.prefix },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`audit ${args[0]} failed: ${run.stderr}`);
  const maxRssKb = Number(readFileSync(out, 'utf8').trim().split('\n').pop());
  rmSync(out, { force: true });
  return { stderr: run.stderr, maxRssKb };
}

async function main() {
  log('building…');
  build();
  const environment = benchEnvironment();
  const server = await startServer(environment);
  const sql = await environment.sql();
  const results = {};
  try {
    const port = server.ports.gatehouse;
    const token = await adminToken(port);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });

    log(`steady load: ${CLIENTS} clients inviting for ${SECONDS} s…`);
    const { rows: [{ start_seq }] } = await sql.query("select coalesce(max(seq), 0)::int as start_seq from events");
    const until = Date.now() + SECONDS * 1000;
    let n = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (Date.now() < until) {
          await request(agent, port, 'POST', '/api/v1/invitations', headers, JSON.stringify({ email: `bench.${n++}@example.com`, role: 'Viewer' }));
        }
      }),
    );
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const { rows } = await sql.query('select (select count(*) from events)::int as e, (select count(*) from audit_log)::int as a');
      if (rows[0].e === rows[0].a) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const { rows: lag } = await sql.query(
      `select extract(epoch from (a.projected_at - e.occurred_at)) * 1000 as ms, e.occurred_at
         from events e join audit_log a on a.event_id = e.id where e.seq > $1`,
      [start_seq],
    );
    const lags = lag.map((row) => Number(row.ms));
    results['events committed and projected (steady load)'] = { value: Math.round(lags.length / SECONDS), unit: 'events/s' };
    results['projection lag p50'] = { value: Math.round(percentile(lags, 50)), unit: 'ms' };
    results['projection lag p99'] = { value: Math.round(percentile(lags, 99)), unit: 'ms' };

    log(`loading ${EVENTS} synthetic events into one organization…`);
    const { rows: [org] } = await sql.query("select id from organizations where slug = 'default'");
    const actors = Array.from({ length: 200 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    // mails of the steady load still append events: hold the head, and start once the projection reached it
    let head;
    for (;;) {
      await sql.query('begin');
      await sql.query('set local session_replication_role = replica');
      ({ rows: [head] } = await sql.query('select last_seq::int as seq from event_streams where organization_id = $1 for update', [org.id]));
      const { rows: [position] } = await sql.query(
        "select last_seq::int as seq from projection_positions where organization_id = $1 and projection = 'audit_log' for update",
        [org.id],
      );
      if (position && position.seq === head.seq) break;
      await sql.query('rollback');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await sql.query(
      `insert into events (id, organization_id, seq, type, actor, subject, payload, occurred_at, prev_hash, hash)
       select gen_random_uuid(), $1, $2 + g,
              (array['auth.login_succeeded','auth.login_failed','user.invited','user.role_changed','auth.mfa_verified','auth.refresh_token_rotated'])[1 + g % 6],
              jsonb_build_object('type','user','id',($3::text[])[1 + g % 200],'ip','203.0.113.' || (g % 250),'userAgent','bench','requestId',null),
              jsonb_build_object('type','user','id',($3::text[])[1 + (g * 7) % 200]),
              jsonb_build_object('n', g),
              now() - interval '90 days' + (g * interval '90 days' / $4),
              repeat('0', 64), repeat('0', 64)
         from generate_series(1, $4) g`,
      [org.id, head.seq, actors, EVENTS],
    );
    await sql.query('update event_streams set last_seq = last_seq + $2 where organization_id = $1', [org.id, EVENTS]);
    await sql.query(
      `insert into audit_log (event_id, organization_id, seq, type, actor_type, actor_id, actor_ip, subject_type, subject_id, payload, occurred_at)
       select e.id, e.organization_id, e.seq, e.type, e.actor->>'type', e.actor->>'id', e.actor->>'ip', e.subject->>'type', e.subject->>'id', e.payload, e.occurred_at
         from events e where e.organization_id = $1 and e.seq > $2`,
      [org.id, head.seq],
    );
    await sql.query("update projection_positions set last_seq = last_seq + $2 where organization_id = $1 and projection = 'audit_log'", [org.id, EVENTS]);
    await sql.query('commit');
    await sql.query('analyze events');
    await sql.query('analyze audit_log');

    const filters = {
      'no filter': '',
      'type=auth.login_failed': 'type=auth.login_failed',
      'type=auth.*': 'type=auth.*',
      'actor=<one of 200>': `actor=${actors[17]}`,
      'subject=<one of 200>': `subject=${actors[42]}`,
      'last 24 hours': `from=${new Date(Date.now() - 86_400_000).toISOString()}`,
      'type=user.role_changed&actor=…': `type=user.role_changed&actor=${actors[3]}`,
    };
    for (const [name, query] of Object.entries(filters)) {
      const times = [];
      for (let i = 0; i < 100; i++) {
        const started = process.hrtime.bigint();
        const response = await request(agent, port, 'GET', `/api/v1/audit/events?limit=50&${query}`, headers);
        if (response.status !== 200) throw new Error(`${name}: ${response.status}`);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      results[`first page, ${name} p50`] = { value: Number(percentile(times, 50).toFixed(1)), unit: 'ms' };
      results[`first page, ${name} p95`] = { value: Number(percentile(times, 95).toFixed(1)), unit: 'ms' };
    }
    agent.destroy();

    log('exporting everything with npm run audit:export…');
    const file = `/tmp/gh-bench-audit-${process.pid}.ndjson`;
    let started = Date.now();
    const exported = runTool(environment, ['export', '--organization', 'default', '--out', file]);
    const seconds = (Date.now() - started) / 1000;
    const megabytes = statSync(file).size / 1e6;
    rmSync(file, { force: true });
    results['export throughput (NDJSON to a file)'] = { value: Number((megabytes / seconds).toFixed(1)), unit: 'MB/s' };
    results['export size'] = { value: Number(megabytes.toFixed(0)), unit: 'MB' };
    results['export peak memory (max RSS of the tool)'] = { value: Math.round(exported.maxRssKb / 1024), unit: 'MiB' };

    log('rebuilding with npm run audit:rebuild…');
    started = Date.now();
    const rebuilt = runTool(environment, ['rebuild']);
    const events = Number(/from (\d+) events/.exec(rebuilt.stderr)?.[1] ?? 0);
    results['rebuild (whole process, boot included)'] = { value: Math.round(events / ((Date.now() - started) / 1000)), unit: 'events/s' };

    log('\nresults:');
    console.table(results);
  } finally {
    await sql.end();
    await server.stop();
    await environment.remove();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
