// A command's audit event: what recording a state change as a chained event costs against
// recording it as a plain row. Both sides are the same transactions from 8 connections (2 on the
// tiny data set) in a Node process pinned to the servers' core (bench/command-load.js, Gatehouse's
// own ORM connection booted from dist/): each the state change of a profile edit (an UPDATE of the
// user's row, one user per connection, all in the default organization) and its record —
// - figure: the event through the real EventStore.append: since the sealer (bench/README.md,
//   twenty-sixth pass) one INSERT of the event, unchained, into event_pending, no lock taken; the
//   worker woken by a pg_notify after COMMIT seals it into the chain (stream head, seq, hash) and
//   projects it: that cost is the worker's share of the same core, in the notes;
// - baseline: a plain single-row INSERT of the same columns into an unindexed table.
// Interleaved round by round; the ratio is the median of the rounds' ratios. The same command
// over HTTP — PATCH /api/v1/me by the same number of users, with the API and the worker in
// separate processes as production runs them (the worker relays and projects the events) — is in
// the notes: commands/s and CPU per command of the two processes together (the worker's counted
// until the projection reached the head).
// Also in the notes, as evidence of what bounds the figure: the same chained transactions spread
// over as many organizations as connections (one each; the extra organizations made through
// POST /api/v1/organizations), where no two transactions share a stream head; the serial commit
// rate of one connection (single-row INSERTs committed one after another: one WAL flush each),
// the most one organization's commands can reach while each holds its head through COMMIT; and
// the tail of the head's hold the client sees (the append's answer → COMMIT's answer, and the
// COMMIT's own time); and the plain transactions with a pg_notify added (NOTIFY serializes the
// commits of every notifying transaction of the database on one lock, whatever the organization:
// why the append no longer notifies inside the transaction).

const pct = (share) => `${(100 * share).toFixed(0)} %`;

async function caughtUp(sql, organizationId) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await sql.query(
      `select ((select count(*) from event_streams s join projection_positions p on p.organization_id = s.organization_id
                 where s.organization_id = $1 and p.last_seq < s.last_seq)
              + (select count(*) from event_pending where organization_id = $1))::int as behind`,
      [organizationId],
    );
    if (rows[0].behind === 0) return;
    if (Date.now() > deadline) throw new Error('the consumers are behind after 60 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One organization a connection: the default one and `count - 1` more (each with its invited administrator). */
async function spreadTargets(context, defaultTarget, count) {
  const { lib, sql, gatehouse } = context;
  const targets = [defaultTarget];
  const admin = await lib.signIn(gatehouse.port);
  for (let i = 1; i < count; i++) {
    const slug = `bench-spread-${i}`;
    let { rows } = await sql.query('select id from organizations where slug = $1', [slug]);
    if (!rows.length) {
      const created = await lib.json(gatehouse.port, 'POST', '/api/v1/organizations', {
        token: admin.accessToken,
        body: { name: `Bench spread ${i}`, slug, adminEmail: `admin@${slug}.example.com` },
      });
      if (created.status !== 201) throw new Error(`creating organization ${slug}: ${created.status} ${JSON.stringify(created.body)}`);
      ({ rows } = await sql.query('select id from organizations where slug = $1', [slug]));
    }
    const { rows: users } = await sql.query('select id from users where organization_id = $1 order by created_at limit 1', [rows[0].id]);
    targets.push({ organizationId: rows[0].id, userId: users[0].id });
  }
  return targets;
}

/**
 * bench/command-load.js pinned to the servers' core; answers what it prints, with the share of
 * a core its own process used (`loadCore`) and the worker's (`workerCore`, projecting the events).
 */
async function commandLoad(context, spec) {
  const { lib, worker } = context;
  const workerBefore = lib.cpuSeconds(worker.pid);
  const result = await runCommandLoad(context, spec);
  const workerCpu = lib.cpuSeconds(worker.pid) - workerBefore;
  // the worker's CPU over the whole run, start-up of the load process included: an upper bound
  return { ...result, loadCore: (result.cpuPerRequestUs * result.perSecond) / 1e6, workerCore: workerCpu / spec.seconds };
}

function runCommandLoad(context, spec) {
  const { spawn } = require('node:child_process');
  const path = require('node:path');
  const { lib, environment } = context;
  const [command, args] = lib.pinned(lib.SERVER_CORE, process.execPath, [path.join(__dirname, '..', 'command-load.js'), JSON.stringify(spec)]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: lib.ROOT, env: lib.gatehouseEnv(environment, { LOG_LEVEL: 'warn' }), stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(text.trim().split('\n').pop())) : reject(new Error(`command-load.js exited with ${code}`))));
  });
}

module.exports = {
  name: 'audit-event',
  order: 70,
  seeds: ['users'],
  title: 'a command’s audit event (state change + chained event vs + plain INSERT)',
  goal: '≥ 0.60 of plain single-row INSERTs',
  caughtUp,
  async run(context) {
    const { lib, log, rounds, seconds, gatehouse, worker, sql } = context;
    const connections = context.tiny ? 2 : 8;
    const {
      rows: [org],
    } = await sql.query("select id from organizations where slug = 'default'");
    const { rows: users } = await sql.query(
      "select id, email from users where organization_id = $1 and status = 'active' and email like 'member.1%' order by email limit $2",
      [org.id, connections],
    );
    const members = users.length === connections ? users : [{ email: lib.ADMIN_EMAIL }];
    const userIds = (members[0].id ? members : (await sql.query('select id from users where organization_id = $1 and email = $2', [org.id, lib.ADMIN_EMAIL])).rows).map((u) => u.id);
    const tokens = [];
    for (const member of members) tokens.push((await lib.signIn(gatehouse.port, member.email)).accessToken);
    const spec = { connections, seconds, userIds: Array.from({ length: connections }, (_, i) => userIds[i % userIds.length]), organizationId: org.id };
    const http = { method: 'PATCH', path: '/api/v1/me', headers: { 'content-type': 'application/json' }, connections, rotate: { tokens, bodyTemplate: '{"name":"Renamed {n}"}' } };

    const spread = await spreadTargets(context, { organizationId: org.id, userId: spec.userIds[0] }, connections);
    const spreadSpec = { ...spec, userIds: spread.map((t) => t.userId), organizationIds: spread.map((t) => t.organizationId) };

    const ours = [];
    const theirs = [];
    const spreads = [];
    const notifying = [];
    const overHttp = [];
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 ? ['plain', 'append'] : ['append', 'plain'];
      for (const mode of order) (mode === 'plain' ? theirs : ours).push(await commandLoad(context, { ...spec, mode }));
      spreads.push(await commandLoad(context, { ...spreadSpec, mode: 'append' }));
      notifying.push(await commandLoad(context, { ...spec, mode: 'plain-notify' }));
      const [o, t, s, n] = [ours[ours.length - 1], theirs[theirs.length - 1], spreads[spreads.length - 1], notifying[notifying.length - 1]];
      // the command as a client sees it: the worker's CPU counted until its consumers reached the head
      const workerBefore = lib.cpuSeconds(worker.pid);
      const h = await lib.loadOnce(gatehouse, { ...http, seconds });
      await caughtUp(sql, org.id);
      const workerUs = ((lib.cpuSeconds(worker.pid) - workerBefore) * 1e6) / (h.ok + h.other);
      overHttp.push({ ...h, workerUs, totalUs: h.cpuPerRequestUs + workerUs });
      log(
        `  round ${round}/${rounds}: core shares load/worker ${pct(o.loadCore)}/${pct(o.workerCore)} event, ${pct(s.loadCore)}/${pct(s.workerCore)} spread, ${pct(t.loadCore)}/${pct(t.workerCore)} INSERT; ` +
          `${o.perSecond.toFixed(0)} commands+event/s vs ${t.perSecond.toFixed(0)} commands+INSERT/s (${(o.perSecond / t.perSecond).toFixed(2)}; ` +
          `head lock waiters ${o.lockWaiting.toFixed(1)} vs ${t.lockWaiting.toFixed(1)}, NOTIFY lock waiters ${o.notifyWaiting.toFixed(1)}, hold tail ${o.holdTailMs.toFixed(1)} ms of which COMMIT ${o.commitMs.toFixed(1)} ms; the INSERT's COMMIT ${t.commitMs.toFixed(1)} ms); ` +
          `over ${connections} organizations ${s.perSecond.toFixed(0)}/s (${(s.perSecond / t.perSecond).toFixed(2)}, head waiters ${s.lockWaiting.toFixed(1)}, NOTIFY waiters ${s.notifyWaiting.toFixed(1)}); ` +
          `INSERT + NOTIFY ${n.perSecond.toFixed(0)}/s (${(n.perSecond / t.perSecond).toFixed(2)}, NOTIFY waiters ${n.notifyWaiting.toFixed(1)}); PATCH /me ${h.perSecond.toFixed(0)}/s, ` +
          `${h.cpuPerRequestUs.toFixed(0)} µs api + ${workerUs.toFixed(0)} µs worker${h.other ? `, ${h.other} non-2xx ${JSON.stringify(h.statuses)}` : ''}`,
      );
      if (h.ok === 0) throw new Error(`no PATCH /me succeeded: ${JSON.stringify(h.statuses)}`);
    }
    const ratio = lib.median(ours.map((o, i) => o.perSecond / theirs[i].perSecond));
    const spreadRatio = lib.median(spreads.map((s, i) => s.perSecond / theirs[i].perSecond));
    const median = lib.medianRound(ours);
    const plain = lib.medianRound(theirs);
    const spreadMedian = lib.medianRound(spreads);
    const notifyRatio = lib.median(notifying.map((n, i) => n.perSecond / theirs[i].perSecond));
    const notifyMedian = lib.medianRound(notifying);
    const serial = await commandLoad(context, { ...spec, connections: 1, seconds: Math.min(seconds, 3), mode: 'commits' });
    log(`  serial commits on one connection: ${serial.perSecond.toFixed(0)}/s, p50 ${serial.p50} ms`);
    const h = lib.medianRound(overHttp);
    return {
      figure: `${lib.perSecond(median.perSecond)} commands + event`,
      baseline: `${lib.perSecond(plain.perSecond)} commands + INSERT (${lib.cpuPerRequest(plain)}/tx)`,
      ratio: ratio.toFixed(2),
      met: ratio >= 0.6,
      latency: lib.latency(median),
      cpu: `${lib.cpuPerRequest(median)}/tx`,
      notes:
        `${connections} connections in one process pinned to the servers' core, each transaction an UPDATE of its own user's row and the audit record, in one organization; ` +
        `waiting on a lock (pg_stat_activity, every 20 ms): ${median.lockWaiting.toFixed(1)} transactions on average with the event, ${plain.lockWaiting.toFixed(1)} with the INSERT; ` +
        `${median.notifyWaiting.toFixed(1)} on the NOTIFY queue's commit lock; one command every ${(1000 / median.perSecond).toFixed(1)} ms (the head's hold a command while its commits queue on it), ` +
        `of which ${median.holdTailMs.toFixed(1)} ms from the append's answer to COMMIT's (the COMMIT itself ${median.commitMs.toFixed(1)} ms; with the INSERT ${plain.commitMs.toFixed(1)} ms). ` +
        `The same chained transactions over ${connections} organizations (one a connection, no shared head): ${lib.perSecond(spreadMedian.perSecond)}, ratio ${spreadRatio.toFixed(2)}, ` +
        `${spreadMedian.lockWaiting.toFixed(1)} waiting on a row, ${spreadMedian.notifyWaiting.toFixed(1)} on the NOTIFY lock. ` +
        `The plain transactions with a pg_notify added: ${lib.perSecond(notifyMedian.perSecond)}, ratio ${notifyRatio.toFixed(2)}, ${notifyMedian.notifyWaiting.toFixed(1)} on the NOTIFY lock. ` +
        `The load process's CPU per transaction less its idle CPU (the lock sampler, timers): ${median.commandCpuUs.toFixed(0)} µs with the event, ${plain.commandCpuUs.toFixed(0)} µs with the INSERT. ` +
        `Share of the servers' core (median rounds): the load process ${pct(median.loadCore)} with the event, ${pct(spreadMedian.loadCore)} over ${connections} organizations, ${pct(plain.loadCore)} with the INSERT; ` +
        `the worker (sealing and projecting) ${pct(median.workerCore)}, ${pct(spreadMedian.workerCore)}, ${pct(plain.workerCore)}. Serial commits on one connection (a single-row INSERT each, one WAL flush each): ${lib.perSecond(serial.perSecond)}, p50 ${serial.p50} ms. ` +
        `Over HTTP, PATCH /api/v1/me by ${connections} users (api and worker processes on the servers' core): ${lib.perSecond(h.perSecond)}, p50/p99 ${lib.latency(h)}, ` +
        `CPU per command ${h.cpuPerRequestUs.toFixed(0)} µs api + ${h.workerUs.toFixed(0)} µs worker = ${h.totalUs.toFixed(0)} µs`,
    };
  },
};
