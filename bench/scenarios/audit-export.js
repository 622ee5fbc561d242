// npm run audit:export of the whole organization as NDJSON to a file: MB/s over the tool's own
// export time (boot excluded, from its summary line), and RSS growth: the tool's peak RSS less
// the peak RSS of the same tool exporting an empty range (its boot and a first query).
const { statSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

module.exports = {
  name: 'audit-export',
  order: 95,
  seeds: ['audit events'],
  title: 'audit export, 1M events NDJSON',
  goal: '≥ 50 MB/s, RSS growth ≤ 50 MB',
  async run(context) {
    const { lib, log, environment } = context;
    const file = path.join(tmpdir(), `gh-bench-export-${process.pid}.ndjson`);
    try {
      const empty = lib.runAuditTool(environment, ['export', '--organization', 'default', '--from', '2999-01-01T00:00:00Z', '--out', file]);
      const full = lib.runAuditTool(environment, ['export', '--organization', 'default', '--out', file]);
      const summary = /exported (\d+) lines, ([\d.]+) MB in ([\d.]+) s/.exec(full.stderr);
      if (!summary) throw new Error(`no summary from audit export: ${full.stderr.slice(-500)}`);
      const megabytes = statSync(file).size / 1e6;
      const seconds = Math.max(Number(summary[3]), 0.05);
      const rate = megabytes / seconds;
      const growth = (full.maxRssKb - empty.maxRssKb) / 1024;
      log(`  ${summary[1]} lines, ${megabytes.toFixed(1)} MB in ${seconds.toFixed(1)} s; peak RSS ${(full.maxRssKb / 1024).toFixed(0)} MiB vs ${(empty.maxRssKb / 1024).toFixed(0)} MiB exporting nothing`);
      return {
        figure: `${rate.toFixed(1)} MB/s`,
        baseline: `RSS growth ${Number.isFinite(growth) ? growth.toFixed(1) : '—'} MiB (peak ${(full.maxRssKb / 1024).toFixed(0)} vs ${(empty.maxRssKb / 1024).toFixed(0)} MiB exporting nothing)`,
        met: rate >= 50 && growth <= 50,
        notes: `${Number(summary[1]).toLocaleString('en')} lines, ${megabytes.toFixed(1)} MB in ${seconds.toFixed(1)} s (the tool's summary, to 0.1 s; ${full.seconds.toFixed(1)} s for the whole process)`,
      };
    } finally {
      rmSync(file, { force: true });
    }
  },
};
