// Prints, after a run, the slowest test files and tests with the machine's load average, so
// whoever adds a story sees what it costs and where the suite's time goes (the README's rule:
// the whole `npm test` well inside ten minutes on a 2-core machine). Plain JavaScript: jest
// loads reporters without transforming them.
const { loadavg } = require('node:os');
const { relative } = require('node:path');

const SHOWN = Number(process.env.SLOWEST_SHOWN ?? 10);

class SlowestReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.started = Date.now();
    this.loadAtStart = loadavg();
  }

  onRunStart() {
    this.started = Date.now();
    this.loadAtStart = loadavg();
  }

  onRunComplete(_contexts, results) {
    const files = results.testResults
      .map((file) => ({ path: relative(this.rootDir, file.testFilePath), seconds: (file.perfStats.end - file.perfStats.start) / 1000, tests: file.testResults }))
      .filter((file) => Number.isFinite(file.seconds) && file.seconds > 0);
    if (!files.length) return;
    const tests = files.flatMap((file) => file.tests.map((test) => ({ name: `${file.path} › ${test.title}`, seconds: (test.duration ?? 0) / 1000 })));
    const format = (seconds) => `${seconds.toFixed(1).padStart(6)} s`;
    const load = (values) => values.map((value) => value.toFixed(2)).join(' ');
    const lines = [
      '',
      `Slowest files (wall ${((Date.now() - this.started) / 1000).toFixed(1)} s; load average ${load(this.loadAtStart)} at start, ${load(loadavg())} at end):`,
      ...files.sort((a, b) => b.seconds - a.seconds).slice(0, SHOWN).map((file) => `${format(file.seconds)}  ${file.path}`),
      'Slowest tests:',
      ...tests.sort((a, b) => b.seconds - a.seconds).slice(0, SHOWN).map((test) => `${format(test.seconds)}  ${test.name}`),
      '',
    ];
    process.stderr.write(`${lines.join('\n')}\n`);
  }
}

module.exports = SlowestReporter;
