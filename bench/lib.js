// Shared by the benchmarks: HTTP over keep-alive, a database and Redis prefix of the run's own
// (removed at the end), the build, and Gatehouse started from dist/ in a child process (server.js).
const { spawn, execFileSync } = require('node:child_process');
const http = require('node:http');
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const { Client } = require('pg');
const { Redis } = require('ioredis');

const ROOT = path.resolve(__dirname, '..');
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_EMAIL = 'admin@example.com';
const ADMIN_PASSWORD = 'benchmark administrator password';

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

function build() {
  execFileSync('npx', ['nest', 'build'], { cwd: ROOT, stdio: 'ignore' });
}

/** A database name and Redis key prefix for this run, and their removal. */
function benchEnvironment() {
  const id = randomBytes(4).toString('hex');
  const database = `gh_bench_${id}`;
  const prefix = `{gh-bench-${id}}`;
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${database}`;
  return {
    database,
    prefix,
    databaseUrl: dbUrl.toString(),
    /** A client on the run's database (for progress and checks). */
    async sql() {
      const client = new Client({ connectionString: dbUrl.toString() });
      await client.connect();
      return client;
    },
    async remove() {
      const pg = new Client({ connectionString: ADMIN_URL });
      await pg.connect();
      await pg.query(`drop database if exists "${database}" with (force)`);
      await pg.end();
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

/**
 * Starts server.js (Gatehouse from dist/ plus a bare NestJS route) on the environment's
 * database and prefix; answers its ports and a stop function.
 */
async function startServer(environment, extraEnv = {}) {
  const server = spawn('node', [path.join(__dirname, 'server.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: environment.databaseUrl,
      REDIS_URL,
      REDIS_KEY_PREFIX: environment.prefix,
      BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ...extraEnv,
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
  return {
    ports,
    async stop() {
      if (server.exitCode !== null) return;
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    },
  };
}

/** Signs in as the bootstrap administrator; answers the access token. */
async function adminToken(port) {
  const agent = new http.Agent({ keepAlive: true });
  try {
    const body = JSON.stringify({ organization: 'default', email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    const response = await request(agent, port, 'POST', '/api/v1/auth/login', { 'content-type': 'application/json' }, body);
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.body}`);
    return JSON.parse(response.body).accessToken;
  } finally {
    agent.destroy();
  }
}

module.exports = { ROOT, ADMIN_EMAIL, ADMIN_PASSWORD, log, request, build, benchEnvironment, startServer, adminToken };
