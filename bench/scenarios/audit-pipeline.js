// The audit pipeline, command → projection: PATCH /api/v1/me by 8 users (2 on the tiny data set),
// each one unit of work appending one chained event that the audit_log projection picks up.
// 1. as fast as they go for BENCH_SECONDS: events committed and projected per second, from the
//    first event's occurred_at to the last projected_at (read in the database);
// 2. a steady 500 commands/s (50 on the tiny data set) for BENCH_SECONDS: projection lag
//    p50/p99 (projected_at − occurred_at) of those events.

const pct = (p) => `percentile_cont(${p}) within group (order by extract(epoch from (a.projected_at - e.occurred_at)) * 1000)`;

/** Waits until the projection has every event after `start`; answers the figures of those events. */
async function projected(sql, organizationId, start) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await sql.query(
      `select (select count(*) from events where organization_id = $1 and seq > $2)::int as events,
              (select count(*) from audit_log where organization_id = $1 and seq > $2)::int as projected`,
      [organizationId, start],
    );
    if (rows[0].events === rows[0].projected) break;
    if (Date.now() > deadline) throw new Error(`the projection is behind after 60 s: ${rows[0].projected} of ${rows[0].events} events`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { rows } = await sql.query(
    `select count(*)::int as events,
            extract(epoch from (max(a.projected_at) - min(e.occurred_at)))::float8 as span,
            ${pct(0.5)} as p50, ${pct(0.99)} as p99
       from events e join audit_log a on a.event_id = e.id
      where e.organization_id = $1 and e.seq > $2`,
    [organizationId, start],
  );
  return rows[0];
}

async function head(sql, organizationId) {
  const { rows } = await sql.query('select coalesce(max(seq), 0)::int as seq from events where organization_id = $1', [organizationId]);
  return rows[0].seq;
}

module.exports = {
  name: 'audit-pipeline',
  order: 80,
  title: 'audit pipeline, command → projection',
  goal: '≥ 2,000 events/s; lag p99 ≤ 100 ms at 500 events/s',
  async run(context) {
    const { lib, log, seconds, gatehouse, sql } = context;
    const connections = context.tiny ? 2 : 8;
    const steadyRate = context.tiny ? 50 : 500;
    const {
      rows: [org],
    } = await sql.query("select id from organizations where slug = 'default'");
    const tokens = [];
    for (let i = 0; i < connections; i++) {
      const email = context.sizes.users > 200 + i ? `member.${200 + i}@example.com` : lib.ADMIN_EMAIL;
      tokens.push((await lib.signIn(gatehouse.port, email)).accessToken);
    }
    const command = { method: 'PATCH', path: '/api/v1/me', headers: { 'content-type': 'application/json' }, connections, rotate: { tokens, bodyTemplate: '{"name":"Pipeline {n}"}' } };

    let start = await head(sql, org.id);
    const burst = await lib.loadOnce(gatehouse, { ...command, seconds });
    if (burst.ok === 0) throw new Error(`no command succeeded: ${JSON.stringify(burst.statuses)}`);
    const fast = await projected(sql, org.id, start);
    const throughput = fast.events / fast.span;
    log(`  as fast as they go: ${fast.events} events in ${fast.span.toFixed(2)} s, ${throughput.toFixed(0)} events/s projected (${burst.perSecond.toFixed(0)} commands/s answered)`);

    start = await head(sql, org.id);
    const steady = await lib.loadOnce(gatehouse, { ...command, seconds, rate: steadyRate });
    if (steady.ok === 0) throw new Error(`no command succeeded: ${JSON.stringify(steady.statuses)}`);
    const lag = await projected(sql, org.id, start);
    const rate = lag.events / lag.span;
    log(`  steady ${steadyRate}/s: ${lag.events} events (${rate.toFixed(0)}/s), lag p50 ${lag.p50.toFixed(1)} ms, p99 ${lag.p99.toFixed(1)} ms`);
    return {
      figure: `${lib.perSecond(throughput)} events`,
      baseline: `${lib.perSecond(burst.perSecond)} commands answered (${connections} users)`,
      met: throughput >= 2000 && lag.p99 <= 100 && steadyRate >= 500,
      latency: `lag ${lag.p50.toFixed(1)} / ${lag.p99.toFixed(1)} ms at ${lib.perSecond(rate)}`,
      cpu: lib.cpuPerRequest(burst),
      notes: `events/s from the first event's occurred_at to the last projected_at of ${fast.events} events (${connections} users' PATCH /api/v1/me for ${seconds} s); lag p50/p99 of ${lag.events} events at a steady ${steadyRate} commands/s`,
    };
  },
};
