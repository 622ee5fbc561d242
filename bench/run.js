// npm run bench: Gatehouse's hot paths as ratios to baselines measured in the same run on
// this machine (see bench/README.md). Builds first, uses a database and Redis prefix of its
// own, removes them after, and prints progress as it goes.
const { execFileSync } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');
const { ADMIN_EMAIL, ADMIN_PASSWORD, log, request, build, benchEnvironment, startServer } = require('./lib');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

/** Fires requests from `concurrency` loops for `seconds`; answers requests per second (2xx only count). */
async function load(name, { port, method = 'GET', path, headers = {}, body, concurrency = 32, seconds = SECONDS }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const deadline = Date.now() + seconds * 1000;
  let ok = 0;
  let failed = 0;
  const started = Date.now();
  const ticker = setInterval(() => process.stdout.write(`  ${name}: ${ok} ok after ${((Date.now() - started) / 1000).toFixed(0)} s\r`), 1000);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        const response = await request(agent, port, method, path, headers, body);
        if (response.status >= 200 && response.status < 300) ok++;
        else failed++;
      }
    }),
  );
  clearInterval(ticker);
  agent.destroy();
  const perSecond = ok / ((Date.now() - started) / 1000);
  log(`  ${name}: ${perSecond.toFixed(0)}/s (${ok} ok, ${failed} failed)              `);
  if (failed > 0 && ok === 0) throw new Error(`${name}: every request failed`);
  return perSecond;
}

async function main() {
  log('building…');
  build();

  log(`measuring the raw argon2id verify rate (${SECONDS} s)…`);
  const argon = JSON.parse(execFileSync('node', [path.join(__dirname, 'argon2-rate.js'), String(SECONDS)]).toString());
  log(`  argon2id verify: ${argon.perSecond.toFixed(1)}/s`);

  log('starting Gatehouse and a bare NestJS route…');
  const environment = benchEnvironment();
  // one address makes every request here: the per-address limits would measure themselves
  const server = await startServer(environment, { LOCKOUT_IP_MAX_FAILURES: '100000', RATE_LIMIT_ANONYMOUS_POINTS: '1000000' });
  const ports = server.ports;

  try {
    const agent = new http.Agent({ keepAlive: true });
    const loginBody = JSON.stringify({ organization: 'default', email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    const json = { 'content-type': 'application/json' };
    const login = JSON.parse((await request(agent, ports.gatehouse, 'POST', '/api/v1/auth/login', json, loginBody)).body);
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const key = JSON.parse(
      (
        await request(agent, ports.gatehouse, 'POST', '/api/v1/me/api-keys', { ...json, authorization: `Bearer ${login.accessToken}` }, JSON.stringify({ name: 'bench', scopes: ['account:read'], expiresAt }))
      ).body,
    ).key;
    agent.destroy();

    log(`load, ${SECONDS} s each:`);
    const bare = await load('bare NestJS route', { port: ports.bare, path: '/bare' });
    const meJwt = await load('GET /api/v1/me with a JWT', { port: ports.gatehouse, path: '/api/v1/me', headers: { authorization: `Bearer ${login.accessToken}` } });
    const meKey = await load('GET /api/v1/me with an API key', { port: ports.gatehouse, path: '/api/v1/me', headers: { authorization: `Bearer ${key}` } });
    const logins = await load('POST /api/v1/auth/login', { port: ports.gatehouse, method: 'POST', path: '/api/v1/auth/login', headers: json, body: loginBody, concurrency: 4 });

    log('\nresults (ratios against baselines of this run):');
    console.table({
      'password logins / raw argon2id verifies': { ours: `${logins.toFixed(1)}/s`, baseline: `${argon.perSecond.toFixed(1)}/s`, ratio: (logins / argon.perSecond).toFixed(2) },
      'GET /me (JWT) / bare route': { ours: `${meJwt.toFixed(0)}/s`, baseline: `${bare.toFixed(0)}/s`, ratio: (meJwt / bare).toFixed(3) },
      'GET /me (API key) / bare route': { ours: `${meKey.toFixed(0)}/s`, baseline: `${bare.toFixed(0)}/s`, ratio: (meKey / bare).toFixed(3) },
    });
  } finally {
    await server.stop();
    await environment.remove();
  }
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
}

module.exports = { load };
