import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppProcess, ensureBuilt, freePort, PROJECT_ROOT, stopAllProcesses } from '../../support/app-process';
import { ADMIN_DATABASE_URL, ADMIN_EMAIL, ADMIN_PASSWORD, TestEnvironment } from '../../support/test-env';

const TEST_KEY = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'config/test.json'), 'utf8')) as { encryptionKey: string }).encryptionKey;

async function databaseExists(name: string): Promise<boolean> {
  const pg = new Client({ connectionString: ADMIN_DATABASE_URL });
  await pg.connect();
  try {
    return (await pg.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  } finally {
    await pg.end();
  }
}

describe('the encryption key of a real process (node dist/main.js)', () => {
  const environments: TestEnvironment[] = [];
  const folders: string[] = [];

  function freshEnvironment(): TestEnvironment {
    const env = new TestEnvironment();
    environments.push(env);
    return env;
  }

  function freshFolder(): string {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-key-'));
    folders.push(dir);
    return dir;
  }

  /** Starts a process expected to refuse, and returns its exit, its stderr lines and whether it touched the database. */
  async function refusal(env: TestEnvironment, overrides: Record<string, string | undefined>) {
    const app = new AppProcess(env.env({ PORT: String(await freePort()), ...overrides }));
    const exit = await app.exited;
    return {
      failed: exit.code !== null && exit.code !== 0,
      stderr: app.stderr().trimEnd().split('\n'),
      output: app.stdout() + app.stderr(),
      databaseCreated: await databaseExists(env.database),
    };
  }

  beforeAll(() => {
    ensureBuilt();
  });

  afterEach(async () => {
    await stopAllProcesses();
  });

  afterAll(async () => {
    await stopAllProcesses();
    for (const env of environments) await env.remove();
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start in production with the repository’s test key, in any encoding, in one line naming ENCRYPTION_KEY', async () => {
    const hex = Buffer.from(TEST_KEY, 'base64').toString('hex');
    const outcomes = await Promise.all(
      [TEST_KEY, hex].map((key) => refusal(freshEnvironment(), { NODE_ENV: 'production', ENCRYPTION_KEY: key })),
    );
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({
        failed: true,
        stderr: [expect.stringMatching(/^Invalid configuration: ENCRYPTION_KEY .*published in the Gatehouse repository/)],
        databaseCreated: false,
      });
      expect(outcome.output).not.toContain(TEST_KEY);
      expect(outcome.output).not.toContain(hex);
    }
  });

  it('refuses to start in production without ENCRYPTION_KEY, even when a key file exists', async () => {
    const file = join(freshFolder(), 'encryption.key');
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const outcome = await refusal(freshEnvironment(), { NODE_ENV: 'production', ENCRYPTION_KEY_FILE: file });
    expect(outcome).toMatchObject({
      failed: true,
      stderr: [expect.stringMatching(/^Invalid configuration: ENCRYPTION_KEY .*must be set in production/)],
      databaseCreated: false,
    });
  });

  it('starts in production with a key of the operator’s own', async () => {
    const env = freshEnvironment();
    const app = new AppProcess(env.env({ PORT: String(await freePort()), NODE_ENV: 'production', ENCRYPTION_KEY: randomBytes(32).toString('base64') }));
    await app.listening();
    expect((await app.api.post('/api/v1/auth/login', { organization: 'default', email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).status).toBe(200);
  });

  it('generates a key file only its owner reads on a first development start, and reads the same key on the next', async () => {
    const env = freshEnvironment();
    const cwd = freshFolder();
    const keyFile = join(cwd, 'var/encryption.key');
    const settings = env.env({ NODE_ENV: 'development', LOG_LEVEL: 'info', ENCRYPTION_KEY: undefined });

    const first = new AppProcess({ ...settings, PORT: String(await freePort()) }, { cwd });
    await first.listening();
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const written = readFileSync(keyFile, 'utf8');
    const key = Buffer.from(written.trim(), 'base64');
    expect(key).toHaveLength(32);
    // the log says where the key is, never what it is
    expect(first.stdout()).toContain(`generated a new encryption key in ${keyFile}`);
    for (const encoding of ['base64', 'base64url', 'hex'] as const) expect(first.stdout() + first.stderr()).not.toContain(key.toString(encoding));
    await first.stop();

    // the signing key sealed by the first start opens only under the same key: signing in proves it
    const second = new AppProcess({ ...settings, PORT: String(await freePort()) }, { cwd });
    await second.listening();
    expect(second.stdout()).toContain(`using the encryption key in ${keyFile}`);
    expect(readFileSync(keyFile, 'utf8')).toBe(written);
    const login = await second.api.post('/api/v1/auth/login', { organization: 'default', email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    await second.stop();

    // a key file others may read is refused, not used
    chmodSync(keyFile, 0o644);
    const third = new AppProcess({ ...settings, PORT: String(await freePort()) }, { cwd });
    const exit = await third.exited;
    expect(exit.code !== null && exit.code !== 0).toBe(true);
    expect(third.stderr()).toMatch(/ENCRYPTION_KEY_FILE .*encryption\.key can be read or written by other users \(mode 0644\).*chmod 600/);
    expect(third.stdout() + third.stderr()).not.toContain(written.trim());
  });
});
