// The baseline of a command's audit event: plain single-row INSERT transactions on the same
// database at the same concurrency, in a process of its own on the load core. Prints one JSON line.
const { randomUUID } = require('node:crypto');
const { Pool } = require('pg');

const { databaseUrl, connections, seconds } = JSON.parse(process.argv[2]);

async function main() {
  const pool = new Pool({ connectionString: databaseUrl, max: connections });
  await pool.query('create table if not exists bench_plain_inserts (id uuid primary key, payload jsonb not null, at timestamptz not null)');
  const deadline = Date.now() + seconds * 1000;
  let ok = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) {
        await pool.query('insert into bench_plain_inserts (id, payload, at) values ($1, $2, now())', [randomUUID(), { name: `plain ${ok}` }]);
        ok++;
      }
    }),
  );
  process.stdout.write(`${JSON.stringify({ ok, other: 0, statuses: {}, perSecond: ok / ((Date.now() - started) / 1000), p50: null, p99: null })}\n`);
  await pool.end();
}

void main();
