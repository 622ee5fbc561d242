// npm run bench:profile -- <path> [token]: runs Gatehouse (from dist/) under --cpu-prof, pinned
// like the benchmark, loads one route for BENCH_SECONDS (8), and prints where the server's CPU
// went, by package and by function (self time); the .cpuprofile is kept for DevTools.
const { mkdtempSync, readdirSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const lib = require('./lib');

/** Self time by package and by function, from `skipMs` after the profile's start (the start-up) on. */
function summarize(profile, skipMs, top = 25) {
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
    const where = callFrame.url.includes('node_modules/')
      ? callFrame.url.split('node_modules/').pop().split('/').slice(0, callFrame.url.split('node_modules/').pop().startsWith('@') ? 2 : 1).join('/')
      : callFrame.url.includes('/dist/')
        ? `gatehouse ${callFrame.url.split('/dist/').pop()}`
        : callFrame.url.startsWith('node:')
          ? callFrame.url
          : callFrame.functionName || '(native)';
    packages.set(where, (packages.get(where) ?? 0) + time);
    const fn = `${callFrame.functionName || '(anonymous)'} ${where}`;
    self.set(fn, (self.get(fn) ?? 0) + time);
  }
  const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)} %`;
  lib.log('\nby package or file (self time):');
  for (const [k, t] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, top)) lib.log(`  ${pct(t)}  ${k}`);
  lib.log('\nby function (self time):');
  for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) lib.log(`  ${pct(t)}  ${k}`);
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
  const body = process.env.PROFILE_BODY;
  let skipMs;
  const dir = mkdtempSync(path.join(tmpdir(), 'gh-profile-'));
  const environment = lib.benchEnvironment();
  const spawnedAt = Date.now();
  const server = await lib.startServer('gatehouse', lib.gatehouseEnv(environment, process.env.PROFILE_APP_ROLE ? { APP_ROLE: process.env.PROFILE_APP_ROLE } : {}), ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  try {
    if (auth === 'refresh') {
      const tokens = [];
      for (let i = 0; i < 4; i++) tokens.push((await lib.signIn(server.port)).refreshToken);
      await lib.runLoad(server, 'refresh-load.js', { port: server.port, tokens: tokens.splice(0, 2), seconds: 1 });
      skipMs = Date.now() - spawnedAt;
      const result = await lib.runLoad(server, 'refresh-load.js', { port: server.port, tokens, seconds });
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
      const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) };
      // a body with {n} differs per request (autocannon's rotate), so a command changes something each time
      const load = { method, path: urlPath, headers, body, connections: body ? 4 : 32, ...(body?.includes('{n}') ? { rotate: { tokens: [token], bodyTemplate: body } } : {}) };
      await lib.loadOnce(server, { ...load, seconds: 1 });
      skipMs = Date.now() - spawnedAt;
      const result = await lib.loadOnce(server, { ...load, seconds });
      lib.log(`${method} ${urlPath}: ${result.perSecond.toFixed(0)}/s, ${result.cpuPerRequestUs.toFixed(0)} µs CPU per request, ${JSON.stringify(result.statuses)}`);
    }
  } finally {
    await server.stop();
    await environment.remove();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  summarize(JSON.parse(readFileSync(path.join(dir, file), 'utf8')), skipMs);
  lib.log(`\nprofile: ${path.join(dir, file)}`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
