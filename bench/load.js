// The load of one measurement, in a process of its own (the harness pins it to the other core
// than the servers'): autocannon with keep-alive connections; prints one JSON line. With
// `rotate: { tokens, bodyTemplate }` each request takes the next bearer token and a body whose
// `{n}` is a counter, so writes neither repeat nor contend on one record.
const autocannon = require('autocannon');

const spec = JSON.parse(process.argv[2]);
let n = 0;
const requests = spec.rotate
  ? [
      {
        setupRequest(request) {
          n++;
          const tokens = spec.rotate.tokens;
          return {
            ...request,
            headers: { ...request.headers, authorization: `Bearer ${tokens[n % tokens.length]}` },
            body: spec.rotate.bodyTemplate.replaceAll('{n}', String(n)),
          };
        },
      },
    ]
  : undefined;

// the latency of the answers that succeeded, apart (past capacity most answers are quick refusals)
const okLatencies = [];
const instance = autocannon(
  {
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    requests,
    connections: spec.connections,
    duration: spec.seconds,
    // a steady load: at most this many requests per second in all (autocannon's overallRate)
    ...(spec.rate ? { overallRate: spec.rate } : {}),
  },
  (error, result) => {
    if (error) {
      process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    }
    const statuses = {};
    for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[status] = count;
    const ok = result['2xx'];
    process.stdout.write(
      `${JSON.stringify({
        ok,
        other: result.non2xx + result.errors + result.timeouts,
        statuses,
        perSecond: ok / (result.duration || spec.seconds),
        p50: result.latency.p50,
        p99: result.latency.p99,
        okP50: quantile(0.5),
        okP99: quantile(0.99),
      })}\n`,
    );
  },
);
instance.on('response', (client, statusCode, bytes, responseTime) => {
  if (statusCode >= 200 && statusCode < 300) okLatencies.push(responseTime);
});

function quantile(q) {
  if (!okLatencies.length) return null;
  const sorted = [...okLatencies].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
}
