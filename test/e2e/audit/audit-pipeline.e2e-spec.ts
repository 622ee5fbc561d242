import { eventually, startTestApp, type TestApp } from '../../support/test-app';
import { ADMIN_EMAIL } from '../../support/test-env';

interface AuditPage {
  items: { id: string; seq: number; type: string; actor: { id: string | null }; subject: { id: string | null } }[];
  nextCursor: string | null;
}

describe('the audit pipeline, end to end', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('projects a login into /audit/events, and verify says the chain is valid', async () => {
    const token = await t.adminToken();
    const me = await t.api.get<{ id: string; email: string }>('/api/v1/me', token);
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(ADMIN_EMAIL);

    const login = await eventually(async () => {
      const page = await t.api.get<AuditPage>('/api/v1/audit/events?type=auth.login_succeeded', token);
      return page.body.items.find((item) => item.subject.id === me.body.id);
    }, 10_000, 'the login event in the audit log');
    expect(login.actor.id).toBe(me.body.id);

    const verify = await t.api.get('/api/v1/audit/verify', token);
    expect(verify.body).toEqual({ valid: true, checked: expect.any(Number), firstBrokenSeq: null });
    expect(verify.body.checked).toBeGreaterThanOrEqual(3);
  });

  it('reports the first broken seq after an event row is altered in the database', async () => {
    const token = await t.adminToken();
    const sql = await t.env.sql();
    try {
      // the application's path is refused by the append-only trigger
      await expect(sql.query("update events set payload = '{}' where seq = 2")).rejects.toThrow(/append-only/);
      // someone with the database's superuser switches the trigger off and rewrites history
      await sql.query('begin');
      await sql.query('set local session_replication_role = replica');
      await sql.query(`update events set payload = payload || '{"role":"Viewer"}' where seq = 2`);
      await sql.query('commit');
    } finally {
      await sql.end();
    }
    const verify = await t.api.get('/api/v1/audit/verify', token);
    expect(verify.body).toMatchObject({ valid: false, firstBrokenSeq: 2 });
  });
});
