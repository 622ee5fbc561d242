// A command's audit event: PATCH /api/v1/me (a profile change, one unit of work that flushes and
// appends a chained event) by 8 users at once (2 on the tiny data set), against plain single-row INSERTs at the same
// concurrency on the same database, interleaved in the same run.

module.exports = {
  name: 'audit-event',
  order: 70,
  title: 'a command’s audit event (PATCH /api/v1/me)',
  goal: '≥ 0.60 of plain single-row INSERTs',
  async run(context) {
    const { lib, log, rounds, seconds, gatehouse, environment } = context;
    const connections = context.tiny ? 2 : 8;
    const tokens = [];
    for (let i = 0; i < connections; i++) {
      const email = context.sizes.users > 100 + i ? `member.${100 + i}@example.com` : lib.ADMIN_EMAIL;
      tokens.push((await lib.signIn(gatehouse.port, email)).accessToken);
    }
    const command = { method: 'PATCH', path: '/api/v1/me', headers: { 'content-type': 'application/json' }, connections, rotate: { tokens, bodyTemplate: '{"name":"Renamed {n}"}' } };
    const ours = [];
    const theirs = [];
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 ? ['plain', 'command'] : ['command', 'plain'];
      for (const which of order) {
        if (which === 'plain') theirs.push(await lib.runLoad(gatehouse, 'plain-insert-load.js', { databaseUrl: environment.databaseUrl, connections, seconds }));
        else ours.push(await lib.loadOnce(gatehouse, { ...command, seconds }));
      }
      const o = ours[ours.length - 1];
      log(`  round ${round}/${rounds}: ${o.perSecond.toFixed(0)} commands/s vs ${theirs[theirs.length - 1].perSecond.toFixed(0)} plain INSERTs/s${o.other ? `, ${o.other} non-2xx ${JSON.stringify(o.statuses)}` : ''}`);
      if (o.ok === 0) throw new Error(`no command succeeded: ${JSON.stringify(o.statuses)}`);
    }
    const ratio = lib.median(ours.map((o, i) => o.perSecond / theirs[i].perSecond));
    const median = lib.medianRound(ours);
    return {
      figure: `${lib.perSecond(median.perSecond)} commands`,
      baseline: `${lib.perSecond(lib.median(theirs.map((t) => t.perSecond)))} INSERTs`,
      ratio: ratio.toFixed(2),
      met: ratio >= 0.6,
      latency: lib.latency(median),
      cpu: lib.cpuPerRequest(median),
    };
  },
};
