// Filtered first pages (limit 50) of GET /api/v1/audit/events over the seeded events, one request
// at a time on a keep-alive connection (100 per filter; 10 on the tiny data set): p50/p95 per
// filter, the worst filter reported. The same query in the database (the handler's SQL, as
// EXPLAIN ANALYZE times it: 20 per filter, 5 tiny), p95 of the execution times, worst filter.
const http = require('node:http');
const { ACTORS } = require('../seeds/audit-events');

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

function filters() {
  const from = new Date(Date.now() - 86_400_000).toISOString();
  // [name, query string, SQL conditions after organization_id = $1, their parameters]
  return [
    ['no filter', '', '', []],
    ['type=auth.login_failed', 'type=auth.login_failed', 'and type = $2', ['auth.login_failed']],
    ['type=auth.*', 'type=auth.*', 'and type like $2', ['auth.%']],
    ['actor=<one of 200>', `actor=${ACTORS[17]}`, 'and actor_id = $2', [ACTORS[17]]],
    ['subject=<one of 200>', `subject=${ACTORS[42]}`, 'and subject_id = $2', [ACTORS[42]]],
    ['last 24 hours', `from=${encodeURIComponent(from)}`, 'and occurred_at >= $2', [from]],
    ['type=user.role_changed&actor=…', `type=user.role_changed&actor=${ACTORS[3]}`, 'and type = $2 and actor_id = $3', ['user.role_changed', ACTORS[3]]],
  ];
}

module.exports = {
  name: 'audit-query',
  order: 90,
  title: 'audit query, filtered first page over 1M events',
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
      for (const [name, query, conditions, params] of filters()) {
        const times = [];
        for (let i = 0; i < requests + 2; i++) {
          const started = process.hrtime.bigint();
          const response = await lib.request(agent, gatehouse.port, 'GET', `/api/v1/audit/events?limit=50&${query}`, headers);
          if (response.status !== 200) throw new Error(`${name}: ${response.status} ${response.body.slice(0, 200)}`);
          if (i >= 2) times.push(Number(process.hrtime.bigint() - started) / 1e6); // two warm-up requests
        }
        const sqlTimes = [];
        for (let i = 0; i < explains; i++) {
          const { rows } = await sql.query(
            `explain (analyze, format json)
             select event_id, seq, type, actor_type, actor_id, actor_ip, subject_type, subject_id, payload, occurred_at
               from audit_log where organization_id = $1 ${conditions} order by seq desc limit 51`,
            [org.id, ...params],
          );
          sqlTimes.push(rows[0]['QUERY PLAN'][0]['Execution Time']);
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
