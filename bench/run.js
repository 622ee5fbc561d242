// npm run bench: Gatehouse's hot paths as ratios to baselines measured in the same run on
// this machine (see bench/README.md). Builds first, uses a database and Redis prefix of its
// own, removes them after, and prints progress as it goes.
const { spawn, execFileSync } = require('node:child_process');
const http = require('node:http');
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const { Client } = require('pg');
const { Redis } = require('ioredis');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const id = randomBytes(4).toString('hex');
const database = `gh_bench_${id}`;
const prefix = `{gh-bench-${id}}`;
const PASSWORD = 'benchmark administrator password';

const log = (message) => process.stdout.write(`${message}\n`);

function request(agent, port, method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (body) req.end(body);
    else req.end();
  });
}

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
  const root = path.resolve(__dirname, '..');
  log('building…');
  execFileSync('npx', ['nest', 'build'], { cwd: root, stdio: 'ignore' });

  log(`measuring the raw argon2id verify rate (${SECONDS} s)…`);
  const argon = JSON.parse(execFileSync('node', [path.join(__dirname, 'argon2-rate.js'), String(SECONDS)]).toString());
  log(`  argon2id verify: ${argon.perSecond.toFixed(1)}/s`);

  log('starting Gatehouse and a bare NestJS route…');
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${database}`;
  const server = spawn('node', [path.join(__dirname, 'server.js')], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
      LOCKOUT_IP_MAX_FAILURES: '100000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ports = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
    });
    server.on('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });

  try {
    const agent = new http.Agent({ keepAlive: true });
    const loginBody = JSON.stringify({ organization: 'default', email: 'admin@example.com', password: PASSWORD });
    const json = { 'content-type': 'application/json' };
    const login = JSON.parse((await request(agent, ports.gatehouse, 'POST', '/api/v1/auth/login', json, loginBody)).body);
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const key = JSON.parse(
      (
        await request(agent, ports.gatehouse, 'POST', '/api/v1/me/api-keys', { ...json, authorization: `Bearer ${login.accessToken}` }, JSON.stringify({ name: 'bench', scopes: ['organization:read'], expiresAt }))
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
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    const pg = new Client({ connectionString: ADMIN_URL });
    await pg.connect();
    await pg.query(`drop database if exists "${database}" with (force)`);
    await pg.end();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
