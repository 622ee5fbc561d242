// Cold start: `node dist/main.js` on an empty database (creates it, applies every migration,
// creates the first organization) pinned to the servers' core, until /health/ready answers 200.
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

module.exports = {
  name: 'cold-start',
  order: 120,
  title: 'cold start to ready, migrations applied',
  goal: '≤ 5 s',
  async run(context) {
    const { lib, log, rounds } = context;
    const times = [];
    for (let round = 1; round <= rounds; round++) {
      const environment = lib.benchEnvironment();
      const port = await freePort();
      const [command, args] = lib.pinned(lib.SERVER_CORE, process.execPath, [path.join(lib.ROOT, 'dist', 'main.js')]);
      const started = Date.now();
      const child = spawn(command, args, { cwd: lib.ROOT, env: { ...lib.gatehouseEnv(environment), PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      try {
        for (;;) {
          if (child.exitCode !== null) throw new Error(`Gatehouse exited with ${child.exitCode}: ${stderr.slice(0, 500)}`);
          if (Date.now() - started > 60_000) throw new Error('not ready after 60 s');
          const ready = await lib.json(port, 'GET', '/health/ready').catch(() => null);
          if (ready?.status === 200) break;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        times.push((Date.now() - started) / 1000);
        log(`  round ${round}/${rounds}: ready after ${times[times.length - 1].toFixed(2)} s`);
      } finally {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        if (child.exitCode === null) child.kill('SIGTERM');
        await exited;
        await environment.remove();
      }
    }
    const seconds = lib.median(times);
    return { figure: `${seconds.toFixed(2)} s`, baseline: '5 s (absolute)', ratio: (seconds / 5).toFixed(2), met: seconds <= 5 };
  },
};
