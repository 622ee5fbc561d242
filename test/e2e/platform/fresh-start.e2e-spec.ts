import { Client } from 'pg';
import { MIGRATIONS } from '../../../src/infrastructure/database/migrations';
import { AppProcess, ensureBuilt, freePort, stopAllProcesses } from '../../support/app-process';
import { ADMIN_DATABASE_URL, ADMIN_EMAIL, ADMIN_PASSWORD, TestEnvironment } from '../../support/test-env';

interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

interface Me {
  id: string;
  email: string;
  role: string;
}

async function databaseExists(name: string): Promise<boolean> {
  const pg = new Client({ connectionString: ADMIN_DATABASE_URL });
  await pg.connect();
  try {
    const { rowCount } = await pg.query('select 1 from pg_database where datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await pg.end();
  }
}

/** Each applied migration's name and how many times the migration table lists it. */
async function appliedMigrations(env: TestEnvironment): Promise<{ name: string; times: number }[]> {
  const sql = await env.sql();
  try {
    const { rows } = await sql.query<{ name: string; times: string }>(
      'select name, count(*) as times from mikro_orm_migrations group by name',
    );
    return rows.map((row) => ({ name: row.name, times: Number(row.times) })).sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    await sql.end();
  }
}

const EVERY_MIGRATION_ONCE = MIGRATIONS.map((migration) => ({ name: migration.name, times: 1 })).sort((a, b) =>
  a.name.localeCompare(b.name),
);

async function count(env: TestEnvironment, query: string): Promise<number> {
  const sql = await env.sql();
  try {
    const { rows } = await sql.query<{ count: string }>(query);
    return Number(rows[0].count);
  } finally {
    await sql.end();
  }
}

describe('a fresh start of the built application (node dist/main.js)', () => {
  const environments: TestEnvironment[] = [];

  function freshEnvironment(): TestEnvironment {
    const env = new TestEnvironment();
    environments.push(env);
    return env;
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
  });

  it('creates the database, migrates it, bootstraps the organization and its administrator, and says how to sign in', async () => {
    const env = freshEnvironment();
    expect(await databaseExists(env.database)).toBe(false);

    const app = new AppProcess(env.env({ PORT: String(await freePort()) }));
    await app.listening();
    const help = await app.waitForOutput(/API documentation: \S+/);

    expect(await databaseExists(env.database)).toBe(true);
    expect(await appliedMigrations(env)).toEqual(EVERY_MIGRATION_ONCE);
    const stdout = app.stdout();
    expect(stdout).toContain(`Gatehouse created the organization "default" and its first Administrator ${ADMIN_EMAIL}.`);
    expect(stdout).toContain('Sign in at http://gatehouse.test/sign-in with the password from BOOTSTRAP_ADMIN_PASSWORD');
    expect(stdout).not.toContain(ADMIN_PASSWORD); // the password is never printed
    expect(help[0]).toBe('API documentation: http://gatehouse.test/api/docs');

    const login = await app.api.post<Tokens>('/api/v1/auth/login', {
      organization: 'default',
      email: ADMIN_EMAIL,
      password: ADMIN_PASSWORD,
    });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: expect.any(Number) });

    const me = await app.api.get<Me>('/api/v1/me', login.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: ADMIN_EMAIL, role: 'Administrator' });

    // SIGTERM is a clean shutdown: Nest closes the app and re-raises the signal
    const exit = await app.stop();
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
  });

  it('prints a one-time setup link without BOOTSTRAP_ADMIN_PASSWORD, and the link sets the password and signs in once', async () => {
    const env = freshEnvironment();
    // an empty value is ignored by the loader, so the default (no password) applies
    const app = new AppProcess(env.env({ PORT: String(await freePort()), BOOTSTRAP_ADMIN_PASSWORD: '' }));
    await app.listening();
    const [link, token] = await app.waitForOutput(/http:\/\/gatehouse\.test\/invitations\/([A-Za-z0-9_-]+)/);
    // the link opens the setup page, not JSON
    expect(link).toBe(`http://gatehouse.test/invitations/${token}`);
    expect(app.stdout()).toContain('one-time link in a browser');
    const page = await fetch(`${app.api.baseUrl}/invitations/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('Join default');

    // the admin has no password yet: nothing signs in before the link is used
    const early = await app.api.post('/api/v1/auth/login', { organization: 'default', email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(early.status).toBe(401);

    const preview = await app.api.get<{ organization: { slug: string }; email: string; role: string }>(
      `/api/v1/invitations/accept/${token}`,
    );
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ organization: { slug: 'default' }, email: ADMIN_EMAIL, role: 'Administrator' });

    const accepted = await app.api.post<Tokens>('/api/v1/invitations/accept', { token, name: 'Ada Admin', password: ADMIN_PASSWORD });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) });

    const me = await app.api.get<Me & { name: string }>('/api/v1/me', accepted.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: ADMIN_EMAIL, name: 'Ada Admin', role: 'Administrator' });

    const again = await app.api.post('/api/v1/invitations/accept', { token, name: 'Mallory', password: 'another long passphrase' });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(again.body).toMatchObject({ status: again.status, title: expect.any(String) });

    const previewAgain = await app.api.get(`/api/v1/invitations/accept/${token}`);
    expect(previewAgain.status).toBeGreaterThanOrEqual(400);
    expect(previewAgain.status).toBeLessThan(500);
    expect(previewAgain.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    // the password chosen through the link is the one that works
    const login = await app.api.post('/api/v1/auth/login', { organization: 'default', email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(login.status).toBe(200);
  });

  it('brings up two replicas started together on one fresh database, with one organization, one admin and each migration once', async () => {
    const env = freshEnvironment();
    const [portA, portB] = [await freePort(), await freePort()];
    const replicas = [new AppProcess(env.env({ PORT: String(portA) })), new AppProcess(env.env({ PORT: String(portB) }))];
    await Promise.all(replicas.map((replica) => replica.listening()));

    expect(await count(env, 'select count(*) from organizations')).toBe(1);
    expect(await count(env, "select count(*) from users where role = 'Administrator'")).toBe(1);
    expect(await count(env, 'select count(*) from signing_keys where retired_at is null')).toBe(1);
    expect(await appliedMigrations(env)).toEqual(EVERY_MIGRATION_ONCE);
    // exactly one of them bootstrapped, and says so
    const announced = replicas.filter((replica) => replica.stdout().includes('Gatehouse created the organization'));
    expect(announced).toHaveLength(1);

    for (const replica of replicas) {
      const token = await replica.api.login('default', ADMIN_EMAIL, ADMIN_PASSWORD);
      expect((await replica.api.get('/api/v1/me', token)).status).toBe(200);
    }
  });

  it('stops when its migrations fail (they run in a process of their own before it serves): exits non-zero, saying why', async () => {
    const env = freshEnvironment();
    // a well-formed address where no PostgreSQL listens
    const app = new AppProcess(env.env({ PORT: String(await freePort()), DATABASE_URL: 'postgres://postgres@127.0.0.1:9/gatehouse_nowhere' }));
    const exit = await app.exited;
    expect(exit.code).not.toBe(0);
    expect(app.stderr()).toMatch(/^migration failed: .*ECONNREFUSED/m);
    expect(app.stderr()).toMatch(/^Gatehouse failed to start: the migrations failed \(exit 1\)$/m);
  });

  it('refuses to start with a bad PORT, DATABASE_URL or APP_ROLE: exits non-zero, one line on stderr naming the variable, nothing created', async () => {
    const bad = [
      { variable: 'PORT', value: 'eighty' },
      { variable: 'DATABASE_URL', value: 'mysql://x' },
      { variable: 'APP_ROLE', value: 'both' },
    ];
    // started side by side: each is a separate process with its own environment
    const outcomes = await Promise.all(
      bad.map(async ({ variable, value }) => {
        const env = freshEnvironment();
        const app = new AppProcess(env.env({ PORT: String(await freePort()), [variable]: value }));
        const exit = await app.exited;
        return { variable, env, exit, stderr: app.stderr().trimEnd().split('\n') };
      }),
    );

    for (const { variable, env, exit, stderr } of outcomes) {
      expect({ variable, failed: exit.code !== null && exit.code !== 0 }).toEqual({ variable, failed: true });
      expect({ variable, stderr }).toEqual({ variable, stderr: [expect.stringMatching(new RegExp(`^Invalid configuration: ${variable} `))] });
      // it stopped before touching anything
      expect({ variable, databaseCreated: await databaseExists(env.database) }).toEqual({ variable, databaseCreated: false });
    }
  });
});
