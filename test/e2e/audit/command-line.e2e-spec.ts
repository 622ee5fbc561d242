import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, ManagedProcess, stopAllProcesses } from '../../support/app-process';
import { auditCaughtUp, startTestApp, type TestApp } from '../../support/test-app';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../../support/test-env';

// every column but projected_at (when the row was written), in a stable order
const readModelRows = (table: string) => `select to_jsonb(r) - 'projected_at' as row from ${table} r order by organization_id, seq`;
const READ_MODELS = ['audit_log', 'login_history', 'permission_changes'];

describe('the audit command-line tools', () => {
  let t: TestApp;
  let token: string;
  let dir: string;

  const cli = async (...args: string[]) => {
    const child = new ManagedProcess(process.execPath, ['dist/cli/audit.js', ...args], { env: t.env.env({ REDIS_URL: t.config.redisUrl }) });
    const exit = await child.exited;
    return { exit, stdout: child.stdout(), stderr: child.stderr() };
  };

  beforeAll(async () => {
    ensureBuilt();
    t = await startTestApp();
    token = await t.adminToken();
    dir = await mkdtemp(join(tmpdir(), 'gh-audit-cli-'));
    for (let i = 0; i < 20; i += 1) await t.api.post('/api/v1/invitations', { email: `cli${i}@example.com`, role: 'Viewer' }, token);
    // rows in every read model: a failed sign-in and a permission change
    await t.api.post('/api/v1/auth/login', { organization: 'default', email: ADMIN_EMAIL, password: 'not the password' });
    await t.api.request('PUT', '/api/v1/policies', { token, body: { password: { minLength: 14 } } });
    await auditCaughtUp(t.env, 'the seed');
  });

  afterAll(async () => {
    await stopAllProcesses();
    await rm(dir, { recursive: true, force: true });
    await t.close();
  });

  it('rebuilds audit_log, login history and permission changes from the store while the service writes, identical to the live read models', async () => {
    const sql = await t.env.sql();
    try {
      const snapshot = async () => Object.fromEntries(await Promise.all(READ_MODELS.map(async (table) => [table, (await sql.query<{ row: unknown }>(readModelRows(table))).rows.map((r) => r.row)] as const)));
      const before = await snapshot();
      expect(before.login_history.length).toBeGreaterThan(0);
      expect(before.permission_changes.length).toBeGreaterThan(0);
      let writing = true;
      const writer = (async () => {
        while (writing) await t.api.login('default', ADMIN_EMAIL, ADMIN_PASSWORD);
      })();
      const rebuilt = await cli('rebuild');
      writing = false;
      await writer;
      expect(rebuilt.exit.code).toBe(0);
      expect(rebuilt.stderr).toMatch(/rebuilt audit_log from \d+ events/);
      await auditCaughtUp(t.env, 'after the rebuild');
      const after = await snapshot();
      for (const table of READ_MODELS) expect(after[table].slice(0, before[table].length)).toEqual(before[table]);
      expect(after.audit_log.length).toBe(await t.env.scalar('select count(*) from events'));
      // the sign-ins written during the rebuild are in login history too
      expect(after.login_history.length).toBeGreaterThan(before.login_history.length);
      // the indexes the queries rely on came back under their names
      const indexes = (await sql.query<{ indexname: string }>("select indexname from pg_indexes where tablename = 'audit_log' order by 1")).rows.map((r) => r.indexname);
      expect(indexes).toEqual(expect.arrayContaining(['audit_log_pkey', 'audit_log_org_seq', 'audit_log_org_type', 'audit_log_org_category']));
      expect(indexes.some((name) => name.endsWith('_rb'))).toBe(false);
      const others = (await sql.query<{ indexname: string }>("select indexname from pg_indexes where tablename in ('login_history', 'permission_changes') order by 1")).rows.map((r) => r.indexname);
      expect(others).toEqual(expect.arrayContaining(['login_history_org_user', 'permission_changes_org_subject']));
      expect(others.some((name) => name.endsWith('_rb'))).toBe(false);
    } finally {
      await sql.end();
    }
  });

  it('exports a range as NDJSON and CSV, and verifies the chain, with progress on stderr', async () => {
    const file = join(dir, 'events.ndjson');
    const exported = await cli('export', '--organization', 'default', '--out', file);
    expect(exported.exit.code).toBe(0);
    expect(exported.stderr).toMatch(/exported \d+ lines/);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const events = lines.map((line) => JSON.parse(line) as { seq: number; hash: string; prevHash: string });
    expect(events.length).toBe(await t.env.scalar("select count(*) from events e join organizations o on o.id = e.organization_id where o.slug = 'default'"));
    events.forEach((event, i) => expect(event.seq).toBe(i + 1));
    events.slice(1).forEach((event, i) => expect(event.prevHash).toBe(events[i].hash));

    const csv = await cli('export', '--organization', 'default', '--format', 'csv', '--out', join(dir, 'events.csv'));
    expect(csv.exit.code).toBe(0);
    expect(readFileSync(join(dir, 'events.csv'), 'utf8').split('\r\n')[0]).toBe('id,organizationId,seq,type,actor,subject,payload,occurredAt,prevHash,hash');

    const verified = await cli('verify', '--organization', 'default');
    expect(verified.exit.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true, checked: events.length, firstBrokenSeq: null });

    const bad = await cli('export', '--organization', 'default', '--from', 'yesterday');
    expect(bad.exit.code).toBe(1);
    expect(bad.stderr).toMatch(/--from must be an RFC 3339 date-time/);
  });
});
