// Filtered first pages (limit 50) of GET /api/v1/audit/events over the seeded events, one request
// at a time on a keep-alive connection (100 per filter; 10 on the tiny data set): p50/p95 per
// filter, the worst filter reported. The same query in the database (the handler's SQL, as
// EXPLAIN ANALYZE times it: 20 per filter, 5 tiny), p95 of the execution times, worst filter.
const http = require('node:http');
const path = require('node:path');
const { ACTORS } = require('../seeds/audit-events');
// from the build, required when used: `npm run bench` builds after loading the scenarios
const readModelQuery = () => require(path.join(__dirname, '..', '..', 'dist/modules/audit/queries/read-model-query')).ReadModelQuery;

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

function filters() {
  const day = 86_400_000;
  const now = Date.now();
  const since = (ms) => new Date(now - ms);
  // [name, path and query string, read model, time range, conditions as the handler adds them]
  return [
    ['no filter', 'events?', 'audit_log', {}, []],
    ['type=auth.login_failed', 'events?type=auth.login_failed', 'audit_log', {}, [['type = ?', 'auth.login_failed']]],
    ['type=auth.*', 'events?type=auth.*', 'audit_log', {}, [['category = ?', 'auth']]],
    ['actor=<one of 200>', `events?actor=${ACTORS[17]}`, 'audit_log', {}, [['actor_id = ?', ACTORS[17]]]],
    ['subject=<one of 200>', `events?subject=${ACTORS[42]}`, 'audit_log', {}, [['subject_id = ?', ACTORS[42]]]],
    ['outcome=failure', 'events?outcome=failure', 'audit_log', {}, [['outcome = ?', 'failure']]],
    ['ip=<one of 250>', 'events?ip=203.0.113.17', 'audit_log', {}, [['actor_ip = ?', '203.0.113.17']]],
    ['last 24 hours', `events?from=${encodeURIComponent(since(day).toISOString())}`, 'audit_log', { from: since(day) }, []],
    [
      'one day, 60 days ago',
      `events?from=${encodeURIComponent(since(60 * day).toISOString())}&to=${encodeURIComponent(since(59 * day).toISOString())}`,
      'audit_log',
      { from: since(60 * day), to: since(59 * day) },
      [],
    ],
    ['type=user.role_changed&actor=…', `events?type=user.role_changed&actor=${ACTORS[3]}`, 'audit_log', {}, [['type = ?', 'user.role_changed'], ['actor_id = ?', ACTORS[3]]]],
    ['logins?userId=…', `logins?userId=${ACTORS[17]}`, 'login_history', {}, [['user_id = ?', ACTORS[17]]]],
    ['logins?result=failure', 'logins?result=failure', 'login_history', {}, [['result = ?', 'failure']]],
    ['logins?method=mfa', 'logins?method=mfa', 'login_history', {}, [['method = ?', 'mfa']]],
    ['permission-changes?subject=…', `permission-changes?subject=${ACTORS[42]}`, 'permission_changes', {}, [['subject_id = ?', ACTORS[42]]]],
  ];
}

/** The handler's own SQL (dist/), numbered for pg; a time range's seq bounds are read first, as it does (`bounds`: its statement). */
async function handlerSql(sql, table, organizationId, range, conditions) {
  const ReadModelQuery = readModelQuery();
  const bounds = ReadModelQuery.bounds(table, organizationId, range);
  const query = await ReadModelQuery.create(table, organizationId, range, async (text, values) => (await sql.query(text, values)).rows);
  for (const [condition, value] of conditions) query.where(condition, value);
  const { text, values } = query.statement('*', 50);
  return { text, params: values, bounds };
}

module.exports = {
  name: 'audit-query',
  order: 90,
  seeds: ['audit events'],
  title: 'audit queries (events, logins, permission changes), filtered first page over 1M events',
  goal: 'p95 ≤ 10 ms (API), ≤ 2 ms (database)',
  async run(context) {
    const { lib, log, gatehouse, admin, sql, tiny } = context;
    const requests = tiny ? 10 : 100;
    const explains = tiny ? 5 : 20;
    const {
      rows: [org],
    } = await sql.query("select id from organizations where slug = 'default'");
    // after npm run audit:rebuild (the projection-rebuild scenario), audit_log is a new table that
    // nothing has analyzed yet (the rebuild does not; autovacuum will): say so, it shows in the plans
    const {
      rows: [stats],
    } = await sql.query("select coalesce(last_analyze, last_autoanalyze) is not null as analyzed from pg_stat_user_tables where relname = 'audit_log'");
    const unanalyzed = stats && !stats.analyzed ? 'audit_log had no planner statistics (not analyzed since the rebuild); ' : '';
    if (unanalyzed) log(`  ${unanalyzed.slice(0, -2)}`);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const headers = { authorization: `Bearer ${admin.accessToken}` };
    const api = [];
    const database = [];
    try {
      for (const [name, query, table, range, conditions] of filters()) {
        const times = [];
        for (let i = 0; i < requests + 2; i++) {
          const started = process.hrtime.bigint();
          const response = await lib.request(agent, gatehouse.port, 'GET', `/api/v1/audit/${query}&limit=50`, headers);
          if (response.status !== 200) throw new Error(`${name}: ${response.status} ${response.body.slice(0, 200)}`);
          if (i >= 2) times.push(Number(process.hrtime.bigint() - started) / 1e6); // two warm-up requests
        }
        const sqlTimes = [];
        for (let i = 0; i < explains; i++) {
          const { text, params, bounds } = await handlerSql(sql, table, org.id, range, conditions);
          const { rows } = await sql.query(`explain (analyze, format json) ${text}`, params);
          let time = rows[0]['QUERY PLAN'][0]['Execution Time'];
          // a time range's page is two statements: count the bounds' too
          if (bounds) time += (await sql.query(`explain (analyze, format json) ${bounds.text}`, bounds.values)).rows[0]['QUERY PLAN'][0]['Execution Time'];
          sqlTimes.push(time);
        }
        api.push({ name, p50: percentile(times, 50), p95: percentile(times, 95) });
        database.push({ name, p50: percentile(sqlTimes, 50), p95: percentile(sqlTimes, 95) });
        log(`  ${name}: API p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms; database p95 ${percentile(sqlTimes, 95).toFixed(2)} ms`);
      }
    } finally {
      agent.destroy();
    }
    const worst = (list) => list.reduce((a, b) => (b.p95 > a.p95 ? b : a));
    const [apiWorst, dbWorst] = [worst(api), worst(database)];
    return {
      figure: `API p95 ${apiWorst.p95.toFixed(1)} ms (${apiWorst.name})`,
      baseline: `database p95 ${dbWorst.p95.toFixed(2)} ms (${dbWorst.name})`,
      met: apiWorst.p95 <= 10 && dbWorst.p95 <= 2,
      latency: `${lib.median(api.map((a) => a.p50)).toFixed(1)} / ${apiWorst.p95.toFixed(1)} ms (median p50 / worst p95)`,
      notes: `${unanalyzed}p95 per filter, API / database (EXPLAIN ANALYZE execution time): ${api.map((a, i) => `${a.name} ${a.p95.toFixed(1)} / ${database[i].p95.toFixed(2)} ms`).join('; ')}`,
    };
  },
};
