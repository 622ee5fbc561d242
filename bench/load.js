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

autocannon(
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
      })}\n`,
    );
  },
);
