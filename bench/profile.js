// npm run bench:profile -- <path> [token]: runs Gatehouse (from dist/) under --cpu-prof, pinned
// like the benchmark, loads one route for BENCH_SECONDS (8), and prints where the server's CPU
// went, by package and by function (self time); the .cpuprofile is kept for DevTools.
const { mkdtempSync, readdirSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const lib = require('./lib');

/** Self time by package and by function, from `skipMs` after the profile's start (the start-up) on. */
function summarize(profile, skipMs, requests, top = 25) {
  const self = new Map();
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = new Map();
  let at = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= skipMs * 1000) dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...dt.values()].reduce((a, b) => a + b, 0);
  const packages = new Map();
  for (const [id, time] of dt) {
    const { callFrame } = byNode.get(id);
    const where = lib.frameOwner(callFrame);
    packages.set(where, (packages.get(where) ?? 0) + time);
    const fn = `${callFrame.functionName || '(anonymous)'} ${where}`;
    self.set(fn, (self.get(fn) ?? 0) + time);
  }
  // the share of the profile's time, and µs of this thread's time per answered request
  const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)} %${requests ? ` ${(t / requests).toFixed(2).padStart(6)} µs` : ''}`;
  lib.log('\nby package or file (self time):');
  for (const [k, t] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, top)) lib.log(`  ${pct(t)}  ${k}`);
  lib.log('\nby function (self time):');
  for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) lib.log(`  ${pct(t)}  ${k}`);
}

/** PROFILE_AUDIT_EVENTS=n: n audit events seeded as the benchmark seeds them (bench/seeds/audit-events.js), for an audit page to read. */
async function seedAuditEvents(environment, auditEvents) {
  const sql = await environment.sql();
  try {
    await require('./seeds/audit-events').run({ sql, sizes: { auditEvents }, log: lib.log });
  } finally {
    await sql.end();
  }
}

/**
 * The load to profile: `GET <path>` with the token (jwt, key), a method and JSON body of its own
 * (PROFILE_METHOD, PROFILE_BODY: a command such as PATCH /api/v1/me, `{n}` numbered per request),
 * or `refresh`: sessions rotating their refresh tokens as bench/refresh-load.js does.
 */
async function main() {
  const [urlPath = '/health/live', auth] = process.argv.slice(2);
  const seconds = Number(process.env.BENCH_SECONDS ?? 8);
  const method = process.env.PROFILE_METHOD ?? 'GET';
  let body = process.env.PROFILE_BODY;
  let skipMs;
  let requests;
  const dir = mkdtempSync(path.join(tmpdir(), 'gh-profile-'));
  // `/bare`: the bare NestJS route of bench/server.js, the baseline, under the same flags
  const bare = urlPath === '/bare';
  const environment = bare ? { remove: async () => undefined } : lib.benchEnvironment();
  const spawnedAt = Date.now();
  // PROFILE_NODE_ARGS: more flags for the server, e.g. `--require ./an-experiment.js`
  const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...(process.env.PROFILE_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
  const server = bare
    ? await lib.startServer('bare', { PATH: process.env.PATH, NODE_ENV: 'production' }, nodeArgs)
    : await lib.startServer('gatehouse', lib.gatehouseEnv(environment, process.env.PROFILE_APP_ROLE ? { APP_ROLE: process.env.PROFILE_APP_ROLE } : {}), nodeArgs);
  try {
    if (process.env.PROFILE_AUDIT_EVENTS) await seedAuditEvents(environment, Number(process.env.PROFILE_AUDIT_EVENTS));
    if (auth === 'refresh') {
      const tokens = [];
      for (let i = 0; i < 4; i++) tokens.push((await lib.signIn(server.port)).refreshToken);
      await lib.runLoad(server, 'refresh-load.js', { port: server.port, tokens: tokens.splice(0, 2), seconds: 1 });
      skipMs = Date.now() - spawnedAt;
      const result = await lib.runLoad(server, 'refresh-load.js', { port: server.port, tokens, seconds });
      requests = result.ok + result.other;
      lib.log(`refresh: ${result.perSecond.toFixed(0)}/s, ${result.cpuPerRequestUs.toFixed(0)} µs CPU per request, ${JSON.stringify(result.statuses)}`);
    } else {
      let token = auth;
      if (auth === 'jwt' || auth === 'key') {
        token = (await lib.signIn(server.port)).accessToken;
        if (auth === 'key') {
          const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
          token = (await lib.json(server.port, 'POST', '/api/v1/me/api-keys', { token, body: { name: 'profile', scopes: ['account:read'], expiresAt } })).body.key;
        }
      }
      // `{userId}` in the body: the signed-in user's id (the access token's subject)
      if (body?.includes('{userId}') && token) body = body.replaceAll('{userId}', JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub);
      const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) };
      // a body with {n} differs per request (autocannon's rotate), so a command changes something each time
      const load = { method, path: urlPath, headers, body, connections: Number(process.env.PROFILE_CONNECTIONS ?? (body ? 4 : 32)), ...(body?.includes('{n}') ? { rotate: { tokens: [token], bodyTemplate: body } } : {}) };
      await lib.loadOnce(server, { ...load, seconds: 1 });
      skipMs = Date.now() - spawnedAt;
      const result = await lib.loadOnce(server, { ...load, seconds });
      requests = result.ok + result.other;
      lib.log(`${method} ${urlPath}: ${result.perSecond.toFixed(0)}/s, ${result.cpuPerRequestUs.toFixed(0)} µs CPU per request, ${JSON.stringify(result.statuses)}`);
    }
  } finally {
    await server.stop();
    await environment.remove();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  summarize(JSON.parse(readFileSync(path.join(dir, file), 'utf8')), skipMs, requests, Number(process.env.PROFILE_TOP ?? 25));
  lib.log(`\nprofile: ${path.join(dir, file)}`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
