import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { ApiClient } from './api-client';

/** The repository root: where `node dist/main.js` runs, as in production. */
export const PROJECT_ROOT = resolve(__dirname, '../..');
const MAIN = join(PROJECT_ROOT, 'dist/main.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Every child this file started and has not seen exit yet, so a failing test still ends them. */
const running = new Set<ChildProcess>();

/** A port nothing listens on right now (the OS picks it; we close and hand it on). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Builds dist/ once when it is missing (`npm run test:e2e` builds before the tests run). */
export function ensureBuilt(): void {
  if (existsSync(MAIN)) return;
  const build = spawnSync('npx', ['nest', 'build'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`nest build failed:\n${build.stdout}\n${build.stderr}`);
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

/** A child process whose output is collected, and whose end can be awaited. */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  private out = '';
  private err = '';
  private exit: Exit | null = null;

  constructor(command: string, args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}) {
    this.child = spawn(command, args, {
      cwd: options.cwd ?? PROJECT_ROOT,
      // only what the test names, plus what a process needs to run at all
      env: definedOnly({ PATH: process.env.PATH, HOME: process.env.HOME, ...options.env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(this.child);
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.out += chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.err += chunk));
    this.exited = new Promise<Exit>((resolveExit, reject) => {
      this.child.once('error', (error) => {
        running.delete(this.child);
        reject(error);
      });
      // 'close' fires after the output streams are drained, so stdout()/stderr() are complete
      this.child.once('close', (code, signal) => {
        running.delete(this.child);
        this.exit = { code, signal };
        resolveExit(this.exit);
      });
    });
    this.exited.catch(() => undefined);
  }

  stdout(): string {
    return this.out;
  }

  stderr(): string {
    return this.err;
  }

  hasExited(): boolean {
    return this.exit !== null;
  }

  /** Waits until stdout or stderr matches, failing early when the process ends first. */
  async waitForOutput(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    return this.poll(async () => this.out.match(pattern) ?? this.err.match(pattern) ?? undefined, timeoutMs, `output ${pattern}`);
  }

  /** Polls `check` while the process runs; fails with its output when it exits or time runs out. */
  protected async poll<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (this.exit) {
        throw new Error(`process exited (${JSON.stringify(this.exit)}) before ${what}\nstdout:\n${this.out}\nstderr:\n${this.err}`);
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nstdout:\n${this.out}\nstderr:\n${this.err}`);
      await new Promise((resolveWait) => setTimeout(resolveWait, 50));
    }
  }

  /** SIGTERM, then waits for the exit (SIGKILL when it does not come within `graceMs`). */
  async stop(graceMs = 10_000): Promise<Exit> {
    if (this.exit) return this.exit;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends it at once, as a crash or an outage would. */
  async kill(): Promise<Exit> {
    if (this.exit) return this.exit;
    this.child.kill('SIGKILL');
    return this.exited;
  }
}

/** The built application (`node dist/main.js`) as a real process, configured by environment variables. */
export class AppProcess extends ManagedProcess {
  readonly port: number;
  readonly api: ApiClient;

  /** `cwd` is where relative paths (MAIL_DIR, ENCRYPTION_KEY_FILE) resolve; the repository root unless given. */
  constructor(env: Record<string, string | undefined>, options: { cwd?: string } = {}) {
    ensureBuilt();
    super(process.execPath, [MAIN], { cwd: options.cwd ?? PROJECT_ROOT, env });
    this.port = Number(env.PORT);
    this.api = new ApiClient(`http://127.0.0.1:${this.port}`);
  }

  /** Waits until the process answers /health/live (it listens only after migrating and bootstrapping). */
  async listening(timeoutMs = 30_000): Promise<void> {
    await this.poll(
      async () => {
        try {
          const response = await fetch(`${this.api.baseUrl}/health/live`);
          await response.text();
          return response.ok ? true : undefined;
        } catch {
          return undefined;
        }
      },
      timeoutMs,
      `port ${this.port} to answer /health/live`,
    );
  }
}

/** A private redis-server on its own port, for outage stories; no persistence. */
export class RedisServerProcess extends ManagedProcess {
  readonly url: string;

  constructor(readonly port: number) {
    super('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      cwd: PROJECT_ROOT,
    });
    this.url = `redis://127.0.0.1:${port}`;
  }

  async ready(timeoutMs = 10_000): Promise<void> {
    await this.waitForOutput(/Ready to accept connections/, timeoutMs);
  }
}

/** Ends every child still running (for afterAll), each by its own pid. */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolveStop) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('close', () => {
            clearTimeout(timer);
            resolveStop();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}
