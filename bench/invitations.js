// npm run bench:invitations: 10,000 invitations through POST /api/v1/invitations/batch (1,000
// rows a request) against Gatehouse built and started from dist/, mailing into an SMTP sink in
// this process. Reports the invitations per second the API accepted and the seconds until the
// last mail reached the sink, with progress every second. Uses a database and Redis prefix of
// its own and removes them after. BENCH_INVITATIONS (default 10000), BENCH_BATCH_SIZE (1000)
// and BENCH_BATCH_CONCURRENCY (batch requests in flight, default 1) change the load.
const http = require('node:http');
const { SMTPServer } = require('smtp-server');
const { log, request, build, benchEnvironment, startServer, adminToken } = require('./lib');

const TOTAL = Number(process.env.BENCH_INVITATIONS ?? 10_000);
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_BATCH_CONCURRENCY ?? 1);
const MAIL_TIMEOUT_MS = Number(process.env.BENCH_MAIL_TIMEOUT_SECONDS ?? 900) * 1000;

/** An SMTP server that accepts everything and counts what it received, and when the last came. */
async function startSink() {
  const state = { received: 0, lastAt: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        state.received++;
        state.lastAt = Date.now();
        callback();
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { state, port: server.server.address().port, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function main() {
  log('building…');
  build();
  const sink = await startSink();
  const environment = benchEnvironment();
  log(`starting Gatehouse (SMTP sink on port ${sink.port})…`);
  const server = await startServer(environment, { SMTP_URL: `smtp://127.0.0.1:${sink.port}` });
  const sql = await environment.sql();
  let ticker = null;
  try {
    const token = await adminToken(server.ports.gatehouse);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const batches = [];
    for (let start = 0; start < TOTAL; start += BATCH_SIZE) {
      batches.push(
        Array.from({ length: Math.min(BATCH_SIZE, TOTAL - start) }, (_, i) => ({
          email: `bench.invitee.${start + i}@example.com`,
          role: i % 2 ? 'Viewer' : 'Developer',
        })),
      );
    }

    const started = Date.now();
    const outcome = { invited: 0, failed: 0, requests: 0 };
    let apiDoneAt = null;
    const elapsed = () => ((Date.now() - started) / 1000).toFixed(0);
    let progressing = false;
    ticker = setInterval(() => {
      if (progressing) return;
      progressing = true;
      sql
        .query(`select count(*)::int as n from invitations where status = 'pending'`)
        .then(({ rows }) => {
          const api = apiDoneAt ? `API done (${outcome.invited} invited)` : `${rows[0].n} invitations stored, ${outcome.requests}/${batches.length} batches answered`;
          log(`  ${elapsed()} s: ${api}; ${sink.state.received}/${TOTAL} mails delivered`);
        })
        .catch(() => undefined)
        .finally(() => {
          progressing = false;
        });
    }, 1000);

    log(`sending ${TOTAL} invitations in ${batches.length} batches of ${BATCH_SIZE} (${CONCURRENCY} in flight)…`);
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < batches.length) {
          const rows = batches[next++];
          const response = await request(agent, server.ports.gatehouse, 'POST', '/api/v1/invitations/batch', headers, JSON.stringify(rows));
          outcome.requests++;
          if (response.status !== 207) throw new Error(`batch refused: ${response.status} ${response.body.slice(0, 500)}`);
          for (const result of JSON.parse(response.body).results) {
            if (result.status === 'invited') outcome.invited++;
            else outcome.failed++;
          }
        }
      }),
    );
    apiDoneAt = Date.now();
    agent.destroy();
    const apiSeconds = (apiDoneAt - started) / 1000;
    log(`API accepted ${outcome.invited} invitations (${outcome.failed} rows refused) in ${apiSeconds.toFixed(1)} s`);

    const deadline = Date.now() + MAIL_TIMEOUT_MS;
    while (sink.state.received < outcome.invited && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    clearInterval(ticker);
    ticker = null;
    if (sink.state.received < outcome.invited) throw new Error(`only ${sink.state.received} of ${outcome.invited} mails arrived in time`);
    const mailSeconds = (sink.state.lastAt - started) / 1000;

    log('\nresults:');
    console.table({
      'invitations accepted by the API': { value: outcome.invited, unit: 'invitations' },
      'API throughput (batch path)': { value: Number((outcome.invited / apiSeconds).toFixed(1)), unit: 'invitations/s' },
      'until the last batch was answered': { value: Number(apiSeconds.toFixed(1)), unit: 's' },
      'until the last mail reached the sink': { value: Number(mailSeconds.toFixed(1)), unit: 's' },
      'mail delivery throughput': { value: Number((sink.state.received / mailSeconds).toFixed(1)), unit: 'mails/s' },
    });
  } finally {
    if (ticker) clearInterval(ticker);
    await sql.end();
    await server.stop();
    await environment.remove();
    await sink.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
