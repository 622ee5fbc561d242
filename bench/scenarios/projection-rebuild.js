// npm run audit:rebuild over the seeded events: the tool's own events/s (the rebuild, from its
// summary line: boot excluded), pinned to the servers' core while Gatehouse keeps running.

module.exports = {
  name: 'projection-rebuild',
  order: 85,
  seeds: ['audit events'],
  title: 'projection rebuild',
  goal: '≥ 10,000 events/s',
  async run(context) {
    const { lib, log, environment } = context;
    const run = lib.runAuditTool(environment, ['rebuild']);
    const summary = /rebuilt audit_log from (\d+) events in ([\d.]+) s/.exec(run.stderr);
    if (!summary) throw new Error(`no summary from audit rebuild: ${run.stderr.slice(-500)}`);
    const events = Number(summary[1]);
    const seconds = Math.max(Number(summary[2]), 0.05);
    const rate = events / seconds;
    log(`  ${events} events in ${seconds.toFixed(1)} s (${rate.toFixed(0)} events/s; ${run.seconds.toFixed(1)} s with the boot)`);
    return {
      figure: `${lib.perSecond(rate)} events`,
      baseline: `${lib.perSecond(events / run.seconds)} with the tool's boot`,
      met: rate >= 10_000,
      notes: `${events.toLocaleString('en')} events rebuilt in ${seconds.toFixed(1)} s (the tool's summary, to 0.1 s), ${run.seconds.toFixed(1)} s for the whole process; peak RSS ${Math.round(run.maxRssKb / 1024)} MiB`,
    };
  },
};
