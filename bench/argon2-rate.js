// The raw argon2id verify rate with Gatehouse's parameters: `node argon2-rate.js <seconds>
// <concurrency>`; the harness pins it to the servers' core, so it is the sign-ins' baseline.
const argon2 = require('argon2');

async function main() {
  const seconds = Number(process.argv[2] ?? 5);
  const concurrency = Number(process.argv[3] ?? 4);
  const options = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 };
  const hash = await argon2.hash('bench password 1234', options);
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (Date.now() < deadline) {
      await argon2.verify(hash, 'bench password 1234');
      done++;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  process.stdout.write(JSON.stringify({ perSecond: done / ((Date.now() - started) / 1000) }) + '\n');
}

void main();
