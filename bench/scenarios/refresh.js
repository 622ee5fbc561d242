// Refresh-token rotation: each of 16 sessions (2 on the tiny data set) spends its refresh token and takes the next, as
// fast as the server answers; an absolute goal per core (the server is pinned to one).

async function signIn(context, index) {
  const email = context.sizes.users > index ? `member.${index}@example.com` : context.lib.ADMIN_EMAIL;
  return (await context.lib.signIn(context.gatehouse.port, email)).refreshToken;
}

module.exports = {
  name: 'refresh',
  order: 60,
  seeds: ['users'],
  title: 'refresh-token rotation',
  goal: '≥ 600 refreshes/s per core',
  async run(context) {
    const { lib, log, rounds, seconds, gatehouse } = context;
    const sessions = context.tiny ? 2 : 16;
    const results = [];
    for (let round = 1; round <= rounds; round++) {
      const tokens = [];
      for (let i = 0; i < sessions; i += 2) tokens.push(...(await Promise.all([0, 1].map((j) => signIn(context, (round - 1) * sessions + i + j)))));
      const result = await lib.runLoad(gatehouse, 'refresh-load.js', { port: gatehouse.port, tokens, seconds });
      log(`  round ${round}/${rounds}: ${result.perSecond.toFixed(0)} refreshes/s${result.other ? `, ${result.other} failed ${JSON.stringify(result.statuses)}` : ''}`);
      if (result.ok === 0) throw new Error(`no refresh succeeded: ${JSON.stringify(result.statuses)}`);
      results.push(result);
    }
    const median = lib.medianRound(results);
    return {
      figure: `${lib.perSecond(median.perSecond)} per core`,
      baseline: '600/s (absolute)',
      ratio: (median.perSecond / 600).toFixed(2),
      met: median.perSecond >= 600,
      latency: lib.latency(median),
      cpu: lib.cpuPerRequest(median),
    };
  },
};
