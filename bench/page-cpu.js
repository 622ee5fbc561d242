// node bench/page-cpu.js [events] [rounds] [requests] [root…]: server CPU per request of the audit
// list pages (and GET /me for comparison), one request at a time on a keep-alive connection as the
// audit-query scenario sends them, from /proc (user + system). Each root (a checkout with its own
// `nest build`; this one by default) serves in turn, round after round, on ONE database seeded with
// `events` audit events (bench/seeds/audit-events.js; 100,000 by default): old and new builds back
// to back. Prints the median of the rounds and every round's figure.
const http = require('node:http');
const path = require('node:path');
const lib = require('./lib');
const { ACTORS } = require('./seeds/audit-events');

const [events = '100000', rounds = '3', requests = '400', ...given] = process.argv.slice(2);
const roots = given.length ? given.map((root) => path.resolve(root)) : [path.resolve(__dirname, '..')];
const PATHS = [
  '/api/v1/audit/events?limit=50',
  '/api/v1/audit/events?type=auth.login_failed&limit=50',
  `/api/v1/audit/logins?userId=${ACTORS[17]}&limit=50`,
  `/api/v1/audit/permission-changes?subject=${ACTORS[42]}&limit=50`,
  '/api/v1/me',
];

function get(agent, port, urlPath, token) {
  return new Promise((resolve, reject) => {
    http
      .get({ agent, port, host: '127.0.0.1', path: urlPath, headers: { authorization: `Bearer ${token}` } }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
      })
      .on('error', reject);
  });
}

async function main() {
  const environment = lib.benchEnvironment();
  const figures = new Map(PATHS.map((p) => [p, new Map(roots.map((root) => [root, []]))]));
  try {
    for (let round = 0; round < Number(rounds); round++) {
      for (const root of roots) {
        const rootLib = require(path.join(root, 'bench/lib'));
        const server = await rootLib.startServer('gatehouse', rootLib.gatehouseEnv(environment));
        try {
          if (round === 0 && root === roots[0]) {
            const sql = await environment.sql();
            await require('./seeds/audit-events').run({ sql, sizes: { auditEvents: Number(events) }, log: () => undefined });
            await sql.end();
          }
          const { accessToken } = await lib.signIn(server.port);
          const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
          for (const urlPath of PATHS) {
            for (let i = 0; i < 50; i++) await get(agent, server.port, urlPath, accessToken);
            const before = lib.cpuSeconds(server.pid);
            for (let i = 0; i < Number(requests); i++) {
              const status = await get(agent, server.port, urlPath, accessToken);
              if (status !== 200) throw new Error(`${urlPath}: ${status}`);
            }
            figures.get(urlPath).get(root).push(((lib.cpuSeconds(server.pid) - before) * 1e6) / Number(requests));
          }
          agent.destroy();
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    await environment.remove();
  }
  for (const [urlPath, byRoot] of figures) {
    const shown = urlPath.replace(/(userId|subject)=[^&]+/, '$1=…');
    lib.log(`${shown}: ${[...byRoot].map(([root, values]) => `${root} ${lib.median(values).toFixed(0)} µs [${values.map((v) => v.toFixed(0)).join(' ')}]`).join(' | ')}`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
