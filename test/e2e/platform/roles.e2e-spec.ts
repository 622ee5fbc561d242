import { auditCaughtUp, eventually, startTestApp, type TestApp } from '../../support/test-app';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TestEnvironment } from '../../support/test-env';

interface AuditPage {
  items: { id: string; seq: number; type: string }[];
  nextCursor: string | null;
}

describe('the api and worker roles, on one database and Redis prefix', () => {
  const env = new TestEnvironment();
  let api: TestApp | undefined;
  let worker: TestApp | undefined;
  let token: string;
  let loginEventId: string;


  /** The last login's event id, sealed or still pending (`public.events`: read as it stands, not after the seal). */
  async function latestLoginEvent(): Promise<string> {
    const sql = await env.sql();
    try {
      const { rows } = await sql.query<{ id: string }>(
        `select id from (select id, occurred_at from event_pending where type = 'auth.login_succeeded'
                         union all select id, occurred_at from public.events where type = 'auth.login_succeeded') e
          order by occurred_at desc limit 1`,
      );
      return rows[0].id;
    } finally {
      await sql.end();
    }
  }

  async function auditEventIds(): Promise<string[]> {
    const page = await api!.api.get<AuditPage>('/api/v1/audit/events?limit=200', token);
    expect(page.status).toBe(200);
    return page.body.items.map((item) => item.id);
  }

  beforeAll(async () => {
    api = await startTestApp({ env, overrides: { APP_ROLE: 'api' }, removeOnClose: false });
  });

  afterAll(async () => {
    try {
      await worker?.close();
      await api?.close();
    } finally {
      await env.remove();
    }
  });

  it('commits events on an api-only instance but leaves them pending: it neither seals nor projects', async () => {
    const login = await api!.api.post<{ accessToken: string }>('/api/v1/auth/login', {
      organization: 'default',
      email: ADMIN_EMAIL,
      password: ADMIN_PASSWORD,
    });
    expect(login.status).toBe(200);
    token = login.body.accessToken;
    loginEventId = await latestLoginEvent();

    expect(await env.scalar('select count(*) as value from event_pending where id = $1', [loginEventId])).toBe(1);
    // the commands succeeded; nothing chained them: their events wait, unsealed, for a worker
    expect(await env.scalar('select count(*) as value from public.events')).toBe(0);
    expect(await env.scalar('select count(*) as value from audit_log')).toBe(0);
    expect(await auditEventIds()).toEqual([]);
    // still nothing sealed after further requests served by the api instance
    expect((await api!.api.get('/api/v1/me', token)).status).toBe(200);
    expect(await env.scalar('select count(*) as value from event_pending')).toBeGreaterThan(1);
    expect(await env.scalar('select count(*) as value from public.events')).toBe(0);
  });

  it('has a worker instance seal and project the backlog, so the api instance shows the login in /audit/events', async () => {
    worker = await startTestApp({ env, overrides: { APP_ROLE: 'worker' }, removeOnClose: false });

    await eventually(async () => ((await auditEventIds()).includes(loginEventId) ? true : undefined), 15_000, 'the login projected');
    await auditCaughtUp(env, 'after the worker started');
    expect(await env.scalar('select count(*) as value from audit_log where event_id = $1', [loginEventId])).toBe(1);
  });

  it('projects a login made through the api instance while the worker instance runs', async () => {
    const secondToken = await api!.api.login('default', ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(secondToken).toEqual(expect.any(String));
    const eventId = await latestLoginEvent();
    expect(eventId).not.toBe(loginEventId);

    const ids = await eventually(
      async () => {
        const seen = await auditEventIds();
        return seen.includes(eventId) ? seen : undefined;
      },
      15_000,
      'the second login projected',
    );
    expect(ids.filter((id) => id === eventId)).toHaveLength(1);
  });
});
