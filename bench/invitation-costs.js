// node bench/invitation-costs.js [invitations]: what an invitation costs, from the batch API to the
// SMTP sink, in the processes production runs: an `api` and a `worker` Gatehouse from dist/, both
// pinned to the servers' core as the harness pins them, the sink in this process. Sends
// `invitations` (2,000) in batches of BENCH_BATCH_SIZE (1,000), one at a time, after a warm-up
// batch, then waits until every mail arrived and every consumer reached the stream's head.
// Prints the acceptance rate, when the last mail came, and per invitation the CPU of each process
// (from /proc, split at the last batch's answer) and, with COUNT=1, the statements and Redis
// commands each sent (bench/count-round-trips.js preloaded). PROFILE=1 runs both under --cpu-prof
// and prints each one's self time by package and function (PROFILE_TOP lines).
const { mkdtempSync, readdirSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const http = require('node:http');
const lib = require('./lib');
const { startSink } = require('./smtp-sink');

const total = Number(process.argv[2] ?? 2000);
const batchSize = Number(process.env.BENCH_BATCH_SIZE ?? 1000);
const counting = process.env.COUNT === '1';
const profiling = process.env.PROFILE === '1';

function roundTrips(server) {
  return new Promise((resolve) => {
    server.child.once('message', (message) => resolve(message.roundTrips));
    server.child.send('round-trips');
  });
}

/** Self time by package and by function, from `skipMs` after the profile's start on (as bench/profile.js). */
function summarize(label, profile, fromUs, count, top) {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = new Map();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= fromUs) dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const busy = [...dt].filter(([id]) => byNode.get(id).callFrame.functionName !== '(idle)').reduce((a, [, t]) => a + t, 0);
  const packages = new Map();
  const self = new Map();
  for (const [id, time] of dt) {
    const { callFrame } = byNode.get(id);
    if (callFrame.functionName === '(idle)') continue;
    const where = lib.frameOwner(callFrame);
    packages.set(where, (packages.get(where) ?? 0) + time);
    const fn = `${callFrame.functionName || '(anonymous)'} ${where}`;
    self.set(fn, (self.get(fn) ?? 0) + time);
  }
  const pct = (t) => `${((100 * t) / busy).toFixed(1).padStart(5)} % ${(t / count).toFixed(1).padStart(6)} µs`;
  lib.log(`\n${label}: busy ${(busy / count).toFixed(0)} µs of the main thread per invitation; by package (self time):`);
  for (const [k, t] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, top)) lib.log(`  ${pct(t)}  ${k}`);
  lib.log(`${label}, by function (self time):`);
  for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) lib.log(`  ${pct(t)}  ${k}`);
}

async function main() {
  const environment = lib.benchEnvironment();
  if (process.env.BENCH_NO_BUILD !== '1') lib.build();
  const sink = await startSink();
  const dirs = { api: mkdtempSync(path.join(tmpdir(), 'gh-inv-api-')), worker: mkdtempSync(path.join(tmpdir(), 'gh-inv-worker-')) };
  const args = (role) => [
    ...(counting ? ['-r', path.join(__dirname, 'count-round-trips.js')] : []),
    ...(profiling ? ['--cpu-prof', `--cpu-prof-dir=${dirs[role]}`] : []),
  ];
  const env = (role) => lib.gatehouseEnv(environment, { SMTP_URL: `smtp://127.0.0.1:${sink.port}`, APP_ROLE: role });
  const servers = [];
  const sql = await (async () => {
    const api = await lib.startServer('gatehouse', env('api'), args('api'));
    servers.push(api);
    servers.push(await lib.startServer('gatehouse', env('worker'), args('worker')));
    return environment.sql();
  })();
  const [api] = servers;
  try {
    const { accessToken } = await lib.signIn(api.port);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` };
    const send = async (prefix, count) => {
      for (let start = 0; start < count; start += batchSize) {
        const rows = Array.from({ length: Math.min(batchSize, count - start) }, (_, i) => ({ email: `${prefix}.${start + i}@example.com`, role: i % 2 ? 'Viewer' : 'Developer' }));
        const response = await lib.request(agent, api.port, 'POST', '/api/v1/invitations/batch', headers, JSON.stringify(rows));
        if (response.status !== 207) throw new Error(`batch refused: ${response.status} ${response.body.slice(0, 300)}`);
        const refused = JSON.parse(response.body).results.filter((r) => r.status !== 'invited');
        if (refused.length) throw new Error(`refused rows: ${JSON.stringify(refused.slice(0, 3))}`);
      }
    };
    const settled = async (mails) => {
      for (;;) {
        const { rows } = await sql.query(
          `select (select count(*)::int from mail_outbox where status = 'pending') as pending,
                  (select count(*)::int from event_pending) as outbox,
                  (select count(*)::int from event_streams s join projection_positions p on p.organization_id = s.organization_id where p.last_seq < s.last_seq) as behind`,
        );
        if (sink.state.received >= mails && rows[0].pending === 0 && rows[0].outbox === 0 && rows[0].behind === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await send('warm', Math.min(200, batchSize));
    await settled(Math.min(200, batchSize));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    if (counting) await Promise.all(servers.map(roundTrips));
    const cpu0 = servers.map((s) => lib.cpuSeconds(s.pid));
    const received0 = sink.state.received;
    const startedUs = Date.now() * 1000;
    const started = Date.now();
    await send('costed', total);
    const accepted = (Date.now() - started) / 1000;
    const cpu1 = servers.map((s) => lib.cpuSeconds(s.pid));
    let lastMail = 0;
    await (async () => {
      while (sink.state.received - received0 < total) await new Promise((resolve) => setTimeout(resolve, 10));
      lastMail = (sink.state.lastAt - started) / 1000;
    })();
    await settled(received0 + total);
    const done = (Date.now() - started) / 1000;
    const cpu2 = servers.map((s) => lib.cpuSeconds(s.pid));
    const counts = counting ? await Promise.all(servers.map(roundTrips)) : null;
    const ms = (seconds) => ((seconds * 1000) / total).toFixed(2);
    lib.log(`${total} invitations in batches of ${batchSize}, load average ${require('node:os').loadavg()[0].toFixed(1)}`);
    lib.log(`accepted in ${accepted.toFixed(2)} s (${(total / accepted).toFixed(0)}/s); last mail after ${lastMail.toFixed(1)} s (${(total / lastMail).toFixed(0)} mails/s); all settled and projected after ${done.toFixed(1)} s`);
    ['api', 'worker'].forEach((role, i) => {
      lib.log(`${role}: CPU ms per invitation ${ms(cpu2[i] - cpu0[i])} (${ms(cpu1[i] - cpu0[i])} while accepting, ${ms(cpu2[i] - cpu1[i])} after)`);
      if (counts) {
        const per = (group) => Object.entries(group).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / total).toFixed(2)}`).join(', ');
        const sum = (group) => (Object.values(group).reduce((a, b) => a + b, 0) / total).toFixed(2);
        lib.log(`  statements ${sum(counts[i].pg)} (${per(counts[i].pg)})`);
        lib.log(`  Redis ${sum(counts[i].redis)} (${per(counts[i].redis)})`);
      }
    });
    agent.destroy();
    if (profiling) {
      // a profile's clock is monotonic: its end is the process's exit, so the measured span is counted back from it
      const stoppedAt = [];
      for (const server of servers) {
        await server.stop();
        stoppedAt.push(Date.now());
      }
      ['api', 'worker'].forEach((role, i) => {
        const file = readdirSync(dirs[role]).find((f) => f.endsWith('.cpuprofile'));
        const profile = JSON.parse(readFileSync(path.join(dirs[role], file), 'utf8'));
        summarize(role, profile, profile.endTime - (stoppedAt[i] * 1000 - startedUs), total, Number(process.env.PROFILE_TOP ?? 25));
        lib.log(`profile: ${path.join(dirs[role], file)}`);
      });
    }
  } finally {
    await sql.end();
    for (const server of servers) await server.stop();
    await sink.close();
    await environment.remove();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
