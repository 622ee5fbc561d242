// The audit pipeline, command → projection: PATCH /api/v1/me by 8 users (2 on the tiny data set),
// each one unit of work appending one chained event that the audit_log projection picks up.
// 1. as fast as they go for BENCH_SECONDS: events committed and projected per second, from the
//    first event's occurred_at to the last projected_at (read in the database);
// 2. a steady 500 commands/s (50 on the tiny data set) for BENCH_SECONDS: projection lag
//    p50/p99 (projected_at − occurred_at) of those events.
// Commands cost what they cost (a row of its own, "a command's audit event"): on this machine they
// stay far below 2,000/s, so the pipeline behind them is also measured on its own, with events
// appended straight into the store the way EventStore.append does (unchained rows in
// event_pending, one statement, so occurred_at is its commit to within the statement; the
// wake-up after COMMIT): as fast as 4 connections go with 100 events a transaction (the
// pipeline's capacity), then 5 events a transaction at a steady 500/s (50 tiny). Lag is
// occurred_at → projected_at: through the worker's seal (chaining) and its projection. The row's figure, lag and verdict are those; the command-driven figures are in the
// baseline column and the notes.

const pct = (p) => `percentile_cont(${p}) within group (order by extract(epoch from (a.projected_at - e.occurred_at)) * 1000)`;

/** Waits until the projection has every event after `start`; answers the figures of those events. */
async function projected(sql, organizationId, start) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await sql.query(
      `select ((select count(*) from events where organization_id = $1 and seq > $2)
                + (select count(*) from event_pending where organization_id = $1))::int as events,
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

// one transaction: what EventStore.append writes (the events unchained into event_pending, with
// canonical pieces the sealer hashes; not an event's real canonical JSON: the bench verifies no chain),
// then the wake-up RelayWake sends after COMMIT
const APPEND = `
  insert into event_pending (id, organization_id, type, actor, subject, payload, occurred_at, prefix, middle, suffix)
  select gen_random_uuid(), $1, 'user.profile_updated',
         '{"type":"system","id":null,"ip":null,"userAgent":"bench","requestId":null}', '{"type":"user","id":null}',
         jsonb_build_object('name', 'Pipeline ' || g), clock_timestamp(), '{"name":"Pipeline ' || g || '","prevHash":"', '","seq":', '}'
    from generate_series(1, $2::int) g`;
const WAKE = "select pg_notify('gatehouse_events', '')";
const append = (client, organizationId, perTransaction) => client.query(APPEND, [organizationId, perTransaction]).then(() => client.query(WAKE));

/** Appends for `seconds`: as fast as `connections` go, or `rate` events/s, `perTransaction` at a time. */
async function appendDirectly(context, organizationId, { seconds, connections, perTransaction, rate }) {
  const clients = [];
  for (let i = 0; i < connections; i++) clients.push(await context.environment.sql());
  const until = Date.now() + seconds * 1000;
  let appended = 0;
  try {
    if (!rate) {
      await Promise.all(
        clients.map(async (client) => {
          while (Date.now() < until) {
            await append(client, organizationId, perTransaction);
            appended += perTransaction;
          }
        }),
      );
    } else {
      // a tick every 10 ms appends what the rate owes by then, round robin over the connections
      const started = Date.now();
      const inflight = [];
      let next = 0;
      while (Date.now() < until) {
        const owed = Math.floor(((Date.now() - started) / 1000) * rate) - appended;
        for (let i = 0; i < owed; i += perTransaction) {
          inflight.push(append(clients[next++ % clients.length], organizationId, perTransaction));
          appended += perTransaction;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await Promise.all(inflight);
    }
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
  return appended;
}

/** The organization's stream head: events after it are the next measurement's. */
async function head(sql, organizationId) {
  const { rows } = await sql.query('select coalesce(max(seq), 0)::int as seq from events where organization_id = $1', [organizationId]);
  return rows[0].seq;
}

module.exports = {
  name: 'audit-pipeline',
  order: 80,
  seeds: ['users'],
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
    const workerBefore = context.worker ? lib.cpuSeconds(context.worker.pid) : NaN;
    const burst = await lib.loadOnce(gatehouse, { ...command, seconds });
    if (burst.ok === 0) throw new Error(`no command succeeded: ${JSON.stringify(burst.statuses)}`);
    const fast = await projected(sql, org.id, start);
    // the worker process's CPU per command, until the projection had every event
    const workerUs = ((lib.cpuSeconds(context.worker?.pid) - workerBefore) * 1e6) / (burst.ok + burst.other);
    const throughput = fast.events / fast.span;
    log(`  as fast as they go: ${fast.events} events in ${fast.span.toFixed(2)} s, ${throughput.toFixed(0)} events/s projected (${burst.perSecond.toFixed(0)} commands/s answered)`);

    start = await head(sql, org.id);
    const steady = await lib.loadOnce(gatehouse, { ...command, seconds, rate: steadyRate });
    if (steady.ok === 0) throw new Error(`no command succeeded: ${JSON.stringify(steady.statuses)}`);
    const lag = await projected(sql, org.id, start);
    const rate = lag.events / lag.span;
    log(`  steady ${steadyRate}/s: ${lag.events} events (${rate.toFixed(0)}/s), lag p50 ${lag.p50.toFixed(1)} ms, p99 ${lag.p99.toFixed(1)} ms`);

    start = await head(sql, org.id);
    const appended = await appendDirectly(context, org.id, { seconds, connections: 4, perTransaction: 100 });
    const direct = await projected(sql, org.id, start);
    const directThroughput = direct.events / direct.span;
    log(`  appended directly, as fast as they go: ${appended} events, ${directThroughput.toFixed(0)} events/s projected`);

    start = await head(sql, org.id);
    await appendDirectly(context, org.id, { seconds, connections: 4, perTransaction: 5, rate: steadyRate });
    const directLag = await projected(sql, org.id, start);
    const directRate = directLag.events / directLag.span;
    log(`  appended directly, steady ${steadyRate}/s: ${directLag.events} events (${directRate.toFixed(0)}/s), lag p50 ${directLag.p50.toFixed(1)} ms, p99 ${directLag.p99.toFixed(1)} ms`);
    return {
      figure: `${lib.perSecond(directThroughput)} events appended → projected`,
      baseline: `behind PATCH /api/v1/me: ${lib.perSecond(throughput)} events (${lib.perSecond(burst.perSecond)} commands answered, ${connections} users), lag ${lag.p50.toFixed(1)} / ${lag.p99.toFixed(1)} ms at ${lib.perSecond(rate)}`,
      met: directThroughput >= 2000 && directLag.p99 <= 100 && directRate >= steadyRate * 0.9 && steadyRate >= 500,
      latency: `lag ${directLag.p50.toFixed(1)} / ${directLag.p99.toFixed(1)} ms at ${lib.perSecond(directRate)}`,
      cpu: `${lib.cpuPerRequest(burst)} api${Number.isFinite(workerUs) ? ` + ${workerUs.toFixed(0)} µs worker` : ''}`,
      notes:
        `events/s from the first event's occurred_at to the last projected_at: ${direct.events} events appended straight into the store by 4 connections, 100 a transaction, for ${seconds} s; ` +
        `lag p50/p99 (projected_at − occurred_at) of ${directLag.events} events appended five a transaction at a steady ${steadyRate}/s. ` +
        `Behind the command: ${fast.events} events of ${connections} users' PATCH /api/v1/me for ${seconds} s; lag of ${lag.events} events at a steady ${steadyRate} commands/s (CPU column: per command, in the api and the worker processes)`,
    };
  },
};

// for a quick look at the pipeline alone (no data set, no commands)
module.exports.appendDirectly = appendDirectly;
module.exports.projected = projected;
module.exports.head = head;
