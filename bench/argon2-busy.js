// Preloaded (`node -r`) into a Gatehouse api process by bench/sign-in-costs.js: how long argon2
// was hashing (at least one verify or hash running, ms since start) and how many verifies ran,
// answered over IPC when asked ('argon2-busy'): the share of a load's time the hashing pool sat
// idle while sign-ins were in flight.
// the server's own copy (its checkout's node_modules, from its working directory)
const argon2 = require(require.resolve('argon2', { paths: [process.cwd()] }));

const { performance } = require('node:perf_hooks');

let running = 0;
let since = 0;
let busyMs = 0;
let verifies = 0;
const timed = (original) =>
  async function (...args) {
    if (running++ === 0) since = performance.now();
    try {
      return await original.apply(this, args);
    } finally {
      if (--running === 0) busyMs += performance.now() - since;
      verifies++;
    }
  };
argon2.verify = timed(argon2.verify);
argon2.hash = timed(argon2.hash);

process.on('message', (message) => {
  if (message !== 'argon2-busy') return;
  const now = performance.now();
  process.send({ argon2Busy: { busyMs: busyMs + (running ? now - since : 0), verifies, at: now } });
});
