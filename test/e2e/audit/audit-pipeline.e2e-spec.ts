import { EntityManager } from '@mikro-orm/postgresql';
import { EventStore } from '../../../src/infrastructure/event-store/event-store';
import { toNdjsonLine } from '../../../src/modules/audit/queries/export-events/export-events.handler';
import { auditCaughtUp, eventually, startTestApp, type TestApp } from '../../support/test-app';
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
    expect(verify.body).toMatchObject({ valid: true, checked: expect.any(Number), firstBrokenSeq: null });
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

describe('the audit export and pagination', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
    for (let i = 0; i < 4; i++) await t.api.post('/api/v1/auth/login', { organization: 'default', email: 'nobody@example.com', password: 'wrong' });
    // the export holds sealed events: those of the last moments are chained by the worker's next pass
    await auditCaughtUp(t.env, 'before the export');
  });

  afterAll(async () => {
    await t.close();
  });

  // An implementation of RFC 8785 for the JSON the export holds (strings, integers, booleans,
  // null, objects, arrays), written here so the export is checked without the app's code.
  function jcs(value: unknown): string {
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${jcs(v)}`).join(',')}}`;
  }

  it('exports NDJSON that verifies without our code', async () => {
    const { createHash } = await import('node:crypto');
    const response = await t.api.get('/api/v1/audit/export?format=ndjson', token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const events = response.text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.length).toBeGreaterThanOrEqual(7);
    let prev = '0'.repeat(64);
    events.forEach((event, index) => {
      expect(Object.keys(event).sort()).toEqual(['actor', 'hash', 'id', 'occurredAt', 'organizationId', 'payload', 'prevHash', 'seq', 'subject', 'type']);
      expect(event.seq).toBe(index + 1);
      expect(event.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const { hash, ...unhashed } = event;
      expect(event.prevHash).toBe(prev);
      expect(createHash('sha256').update(jcs(unhashed)).digest('hex')).toBe(hash);
      prev = hash as string;
    });
  });

  it('exports CSV with every field, hash included', async () => {
    const response = await t.api.get('/api/v1/audit/export?format=csv', token);
    const [header, first] = response.text.split('\r\n');
    expect(header).toBe('id,organizationId,seq,type,actor,subject,payload,occurredAt,prevHash,hash');
    expect(first).toMatch(/,1,organization\.created,.*,0{64},[0-9a-f]{64}$/);
  });

  it('pages newest first with a stable keyset cursor and filters by type', async () => {
    const failures = await eventually(async () => {
      const page = await t.api.get<{ items: { seq: number }[] }>('/api/v1/audit/events?type=auth.login_failed', token);
      return page.body.items.length === 4 ? page.body.items : undefined;
    }, 10_000, 'four failed logins projected');
    expect(failures.map((e) => e.seq)).toEqual([...failures.map((e) => e.seq)].sort((a, b) => b - a));

    const first = await t.api.get<{ items: { seq: number }[]; nextCursor: string }>('/api/v1/audit/events?limit=2', token);
    expect(first.body.items).toHaveLength(2);
    await t.api.post('/api/v1/auth/login', { organization: 'default', email: 'later@example.com', password: 'wrong' });
    const second = await t.api.get<{ items: { seq: number }[] }>(`/api/v1/audit/events?limit=2&cursor=${first.body.nextCursor}`, token);
    expect(second.body.items[0].seq).toBe(first.body.items[1].seq - 1);
    const byPrefix = await t.api.get<{ items: { type: string }[] }>('/api/v1/audit/events?type=auth.*&limit=200', token);
    expect(byPrefix.body.items.every((e) => e.type.startsWith('auth.'))).toBe(true);
  });

  it('builds each NDJSON line byte for byte as JSON.stringify of the stored event did', async () => {
    const em = t.app.get(EntityManager).fork();
    const store = t.app.get(EventStore);
    const [{ id: organizationId }] = await em.getConnection().execute<{ id: string }[]>("select id from organizations where slug = 'default'");
    // what jsonb prints differently from JavaScript, and strings that look like JSON's separators
    const payloads: Record<string, unknown>[] = [
      { fraction: 1.5, tiny: 1.5e-7, huge: 1e21, unsafe: 2 ** 60, negative: -42, zero: 0, safe: 123456789012345 },
      { '10': 'ten', '2': 'two', a: 'letter', '01': 'not an index', '-1': 'nor this' },
      { text: 'a, "quoted": b', colon: 'k": v', backslash: 'C:\\dir\\', newline: 'one\ntwo', control: '\u0001', unicode: 'ünï ☃ 😀 \u2028' },
      { list: [1, 'two', null, true, false, { nested: [[], {}] }, 2.25], empty: {}, none: [] },
      { agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', at: '12:00.000Z, 3' },
      { n: 7, t: 'auth.login_failed' },
    ];
    await em.transactional((tx) =>
      store.append(tx, { type: 'user', id: 'u-1', organizationId, ip: '203.0.113.7', userAgent: 'agent, "x": 1', requestId: 'r\\1' }, payloads.map((document) => ({
        // a declared type whose payload carries whole documents, so the awkward values pass the catalogue
        type: 'policy.updated' as const,
        organizationId,
        subject: { type: 'policy', id: null },
        payload: { changedSections: ['test'], before: document, after: { ...document, again: document } },
      }))),
    );
    await eventually(async () => ((await t.env.scalar('select count(*) from event_pending')) === 0 ? true : undefined), 10_000, 'the events sealed');
    let expected = '';
    for await (const event of store.read(em, organizationId)) expected += toNdjsonLine(event);
    const response = await t.api.get('/api/v1/audit/export?format=ndjson', token);
    expect(response.text).toBe(expected);
    expect(expected).toContain('"huge":1e+21');
  });
});
