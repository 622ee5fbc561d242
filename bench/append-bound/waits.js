// node bench/append-bound/waits.js <database> <seconds>: the mean number of the database's
// active client backends per wait event (pg_stat_activity every 10 ms), as one JSON line.
const { Client } = require('pg');

(async () => {
  const client = new Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${process.argv[2]}` });
  await client.connect();
  const counts = new Map();
  let samples = 0;
  const end = Date.now() + Number(process.argv[3]) * 1000;
  while (Date.now() < end) {
    const { rows } = await client.query(
      `select coalesce(wait_event_type, '-') || ':' || coalesce(wait_event, 'cpu') as k, count(*)::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend' and state <> 'idle' group by 1`,
    );
    for (const row of rows) counts.set(row.k, (counts.get(row.k) ?? 0) + row.n);
    samples++;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const mean = [...counts].map(([k, n]) => [k, Number((n / samples).toFixed(2))]).filter(([, n]) => n >= 0.05);
  process.stdout.write(`${JSON.stringify(Object.fromEntries(mean.sort((a, b) => b[1] - a[1])))}\n`);
  await client.end();
})();
