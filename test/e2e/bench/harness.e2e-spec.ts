import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBuilt } from '../../support/app-process';

const ROOT = path.resolve(__dirname, '../../..');

interface Named {
  name: string;
  title: string;
}

/** Every scenario the harness knows, and the goals still pending on other issues. */
function expectedRows(): Named[] {
  const dir = path.join(ROOT, 'bench/scenarios');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the harness is plain CommonJS
  const scenarios = readdirSync(dir).map((file) => require(path.join(dir, file)) as Named);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pending = require(path.join(ROOT, 'bench/pending.js')) as Named[];
  return [...scenarios, ...pending.filter((p) => !scenarios.some((s) => s.name === p.name))];
}

/** `node bench/run.js <scenarios…>` on the tiny data set, its report written to `dir`. */
async function runHarness(scenarios: string[], dir: string): Promise<{ code: number | null; output: string }> {
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['bench/run.js', ...scenarios], {
      cwd: ROOT,
      env: { ...process.env, BENCH_TINY: '1', BENCH_NO_BUILD: '1', BENCH_RESULTS_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('exit', resolve);
  });
  return { code, output: output.join('') };
}

describe('the benchmark harness', () => {
  const results = mkdtempSync(path.join(tmpdir(), 'gh-bench-'));
  const namedResults = mkdtempSync(path.join(tmpdir(), 'gh-bench-named-'));
  afterAll(() => [results, namedResults].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  // a check that it starts, seeds, measures and reports: no figure of this run is asserted
  it('runs every scenario on a tiny data set and writes a report with a row for each goal', async () => {
    ensureBuilt();
    const { code, output } = await runHarness([], results);
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });

    const [file] = readdirSync(results);
    expect(file).toMatch(/^\d{4}-\d{2}-\d{2}-tiny\.md$/);
    const report = readFileSync(path.join(results, file), 'utf8');
    expect(report).toContain('Load average at start');
    expect(report).toContain('50 users');
    for (const { title } of expectedRows()) {
      const row = report.split('\n').find((line) => line.startsWith(`| ${title} |`));
      expect({ title, row: row !== undefined }).toEqual({ title, row: true });
    }
    expect(report).not.toContain('failed:');
    expect(existsSync(path.join(ROOT, 'bench/results', file))).toBe(false);
  }, 180_000);

  it('seeds only what the named scenarios read', async () => {
    ensureBuilt();
    const { code, output } = await runHarness(['health', 'authz-check'], namedResults);
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
    const report = readFileSync(path.join(namedResults, readdirSync(namedResults)[0]), 'utf8');
    const dataSet = report.split('\n').find((line) => line.startsWith('Data set:'));
    expect(dataSet).toContain('50 users');
    expect(dataSet).toContain('50 resource grants');
    expect(dataSet).not.toContain('audit events');
    expect(output).not.toContain('seeding audit events');
  }, 180_000);
});
