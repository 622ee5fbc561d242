// In-process decisions with a cached ability: `node ability-rate.js <spec JSON>` builds one
// user's UserAbility (from dist/) out of the rows the spec carries, as Abilities does, then asks
// the spec's questions in turn for `seconds`; prints checks per second and the share allowed.
// The harness pins it to the servers' core, as it does argon2-rate.js.
const path = require('node:path');
const { UserAbility } = require(path.join(__dirname, '..', 'dist/modules/access-policy/domain/user-ability'));

const spec = JSON.parse(process.argv[2]);
const inputs = { ...spec.inputs, grants: spec.inputs.grants.map((grant) => ({ ...grant, expiresAt: grant.expiresAt === null ? null : new Date(grant.expiresAt) })) };
const ability = new UserAbility(inputs, Date.now());
const questions = spec.questions;

function ask(iterations) {
  let allowed = 0;
  for (let i = 0; i < iterations; i++) if (ability.decide(questions[i % questions.length]).allowed) allowed++;
  return allowed;
}

ask(100_000); // warm-up: the JIT
const BLOCK = 10_000;
const deadline = process.hrtime.bigint() + BigInt(Math.round(spec.seconds * 1e9));
const started = process.hrtime.bigint();
let done = 0;
let allowed = 0;
while (process.hrtime.bigint() < deadline) {
  allowed += ask(BLOCK);
  done += BLOCK;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(JSON.stringify({ perSecond: done / seconds, allowedShare: allowed / done, rules: ability.describe().length }) + '\n');
