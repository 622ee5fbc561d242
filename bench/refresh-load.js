// The load of the refresh-rotation figure, in a process of its own on the load core: each
// session rotates its own refresh token as fast as the answers come (every answer carries the
// next one, so this cannot be a fixed request). Prints one JSON line (with `tokensOut`, each
// session's last token too, for a next load).
const http = require('node:http');

const { port, tokens, seconds, tokensOut } = JSON.parse(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: tokens.length });

function refresh(token) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/auth/refresh', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ refreshToken: token }));
  });
}

async function main() {
  const deadline = Date.now() + seconds * 1000;
  const latencies = [];
  const statuses = {};
  let ok = 0;
  let other = 0;
  const started = Date.now();
  const last = await Promise.all(
    tokens.map(async (first) => {
      let token = first;
      while (Date.now() < deadline && token) {
        const response = await refresh(token);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        latencies.push(response.ms);
        if (response.status === 200) {
          ok++;
          token = JSON.parse(response.body).refreshToken;
        } else {
          other++;
          token = null;
        }
      }
      return token;
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  process.stdout.write(`${JSON.stringify({ ok, other, statuses, perSecond: ok / ((Date.now() - started) / 1000), p50: at(0.5), p99: at(0.99), ...(tokensOut && { tokens: last }) })}\n`);
  agent.destroy();
}

void main();
