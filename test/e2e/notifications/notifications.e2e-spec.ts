import { NotificationPruner } from '../../../src/modules/notifications/jobs/notification-pruner';
import type { ApiResponse } from '../../support/api-client';
import { eventually, startTestAppWithMail, type TestApp } from '../../support/test-app';
import type { SmtpSink } from '../../support/smtp-sink';
import { createOrganization, createUser, organizationId } from '../../support/users';

interface Notice {
  id: string;
  topic: string;
  kind: string;
  title: string;
  data: { outcome?: string; invitees?: { email: string | null; name: string | null; role: string }[]; more?: number };
  subject: { type: string; id: string } | null;
  createdAt: string;
  readAt: string | null;
}

interface Feed {
  items: Notice[];
  nextCursor: string | null;
  unreadCount: number;
}

interface Problem {
  status: number;
  code: string;
  errors?: { field: string; message: string }[];
}

const LINK = /http:\/\/gatehouse\.test\/invitations\/([A-Za-z0-9_-]+)/;

/**
 * The in-app feed end to end: notices delivered in the transaction of what they tell (an
 * invitation accepted), the preferences that choose them, the feed read and marked read only
 * by its owner, and a removal erasing them. Security alerts' notices: audit/security-alerts.
 */
describe('in-app notifications', () => {
  let t: TestApp & { smtp: SmtpSink };
  let orgId: string;
  let admin: string;
  let manager: { id: string; email: string; password: string; token: string };
  let viewer: string;

  const feed = (token: string, query = '') => t.api.get<Feed & Problem>(`/api/v1/me/notifications${query}`, token);
  const markRead = (token: string, id: string) => t.api.post<{ marked: number; unreadCount: number } & Problem>(`/api/v1/me/notifications/${id}/read`, {}, token);
  const markAll = (token: string) => t.api.post<{ marked: number; unreadCount: number } & Problem>('/api/v1/me/notifications/read-all', {}, token);

  /** Invites `email` as the manager, accepts the mailed link, and answers the accepted invitation's id. */
  async function inviteAndAccept(email: string, name: string): Promise<string> {
    const invited = await t.api.post<{ id: string }>('/api/v1/invitations', { email, role: 'Viewer' }, manager.token);
    expect(invited.status).toBe(201);
    const mail = await eventually(async () => t.smtp.received.find((m) => m.envelopeTo.includes(email)), 15_000, `the invitation to ${email}`);
    const accepted = await t.api.post('/api/v1/invitations/accept', { token: LINK.exec(mail.text)![1], name, password: 'a long enough new password' });
    expect(accepted.status).toBe(200);
    return invited.body.id;
  }

  beforeAll(async () => {
    t = await startTestAppWithMail();
    orgId = await organizationId(t);
    admin = await t.adminToken();
    const created = await createUser(t, { organizationId: orgId, role: 'Manager' });
    manager = { ...created, token: await t.api.login('default', created.email, created.password) };
    const viewerUser = await createUser(t, { organizationId: orgId, role: 'Viewer' });
    viewer = await t.api.login('default', viewerUser.email, viewerUser.password);
  });

  afterAll(async () => {
    await t.close();
  });

  it('tells the inviter in the app that their invitation was accepted, in the acceptance’s transaction', async () => {
    expect((await feed(manager.token)).body).toEqual({ items: [], nextCursor: null, unreadCount: 0 });
    const invitationId = await inviteAndAccept('ada.feed@example.com', 'Ada Feed');
    const { status, body } = await feed(manager.token);
    expect(status).toBe(200);
    expect(body.unreadCount).toBe(1);
    expect(body.items).toEqual([
      {
        id: expect.any(String),
        topic: 'invitationOutcomes',
        kind: 'invitation_outcome',
        title: 'Ada Feed accepted your invitation',
        data: { outcome: 'accepted', invitees: [{ email: 'ada.feed@example.com', name: 'Ada Feed', role: 'Viewer' }], more: 0 },
        subject: { type: 'invitation', id: invitationId },
        createdAt: expect.any(String),
        readAt: null,
      },
    ]);
    // it is the inviter's alone
    expect((await feed(viewer)).body.items).toEqual([]);
    expect((await feed(admin)).body.items.filter((n) => n.kind === 'invitation_outcome')).toEqual([]);
  });

  it('shows the in-app switches on /me beside the mail ones, and a switch off delivers nothing', async () => {
    const me = await t.api.get<{ notificationPreferences: Record<string, unknown> }>('/api/v1/me', manager.token);
    expect(me.body.notificationPreferences).toEqual({
      securityAlerts: true,
      invitationOutcomes: true,
      weeklyDigest: false,
      productUpdates: false,
      inApp: { securityAlerts: true, invitationOutcomes: true },
    });
    const off = await t.api.request<{ notificationPreferences: { invitationOutcomes: boolean; inApp: Record<string, boolean> } }>('PATCH', '/api/v1/me', {
      token: manager.token,
      body: { notificationPreferences: { inApp: { invitationOutcomes: false } } },
    });
    expect(off.status).toBe(200);
    // the mail switch keeps its value
    expect(off.body.notificationPreferences).toMatchObject({ invitationOutcomes: true, inApp: { securityAlerts: true, invitationOutcomes: false } });
    await inviteAndAccept('quiet.feed@example.com', 'Quiet Feed');
    expect((await feed(manager.token)).body.items.map((n) => n.title)).toEqual(['Ada Feed accepted your invitation']);
    const on = await t.api.request('PATCH', '/api/v1/me', { token: manager.token, body: { notificationPreferences: { inApp: { invitationOutcomes: true } } } });
    expect(on.status).toBe(200);
  });

  it('refuses a bad in-app switch naming it, and changes nothing', async () => {
    const cases: [unknown, string][] = [
      [{ inApp: { weeklyDigest: true } }, 'notificationPreferences.inApp.weeklyDigest'],
      [{ inApp: { securityAlerts: 'yes' } }, 'notificationPreferences.inApp.securityAlerts'],
      [{ inApp: 'off' }, 'notificationPreferences.inApp'],
      [{ inapp: {} }, 'notificationPreferences.inapp'],
    ];
    for (const [preferences, field] of cases) {
      const answer = await t.api.request<Problem>('PATCH', '/api/v1/me', { token: manager.token, body: { name: 'Renamed', notificationPreferences: preferences } });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.errors?.map((e) => e.field)).toEqual([field]);
    }
    expect((await t.api.get<{ name: string | null }>('/api/v1/me', manager.token)).body.name).not.toBe('Renamed');
  });

  it('reads the feed a page at a time, newest first, and only what is unread when asked', async () => {
    await inviteAndAccept('bob.feed@example.com', 'Bob Feed');
    await inviteAndAccept('cy.feed@example.com', 'Cy Feed');
    const first = await feed(manager.token, '?limit=2');
    expect(first.body.items.map((n) => n.title)).toEqual(['Cy Feed accepted your invitation', 'Bob Feed accepted your invitation']);
    expect(first.body.unreadCount).toBe(3);
    const second = await feed(manager.token, `?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((n) => n.title)).toEqual(['Ada Feed accepted your invitation']);
    expect(second.body.nextCursor).toBeNull();

    const bad = await Promise.all([feed(manager.token, '?cursor=not-ours'), feed(manager.token, '?unread=maybe'), feed(manager.token, '?limit=0')]);
    expect(bad.map((answer) => answer.status)).toEqual([400, 400, 400]);
    expect(bad.map((answer) => answer.body.errors?.[0]?.field)).toEqual(['cursor', 'unread', 'limit']);

    const oldest = second.body.items[0];
    const marked = await markRead(manager.token, oldest.id);
    expect(marked.body).toEqual({ marked: 1, unreadCount: 2 });
    const unread = await feed(manager.token, '?unread=true');
    expect(unread.body.items.map((n) => n.title)).toEqual(['Cy Feed accepted your invitation', 'Bob Feed accepted your invitation']);
    expect((await feed(manager.token)).body.items.find((n) => n.id === oldest.id)?.readAt).toEqual(expect.any(String));
    // again: nothing more to mark, and no second event
    expect((await markRead(manager.token, oldest.id)).body).toEqual({ marked: 0, unreadCount: 2 });
    expect(await t.env.scalar(`select count(*) from events where type = 'notification.read' and payload->'notificationIds' ? $1`, [oldest.id])).toBe(1);
  });

  it('is a 404 for a notice that is not the caller’s, another organization’s too, and a 400 for an id that is no UUID', async () => {
    const [notice] = (await feed(manager.token, '?unread=true')).body.items;
    const other = await createOrganization(t, 'feed-other');
    const stranger = await t.api.login('feed-other', other.adminEmail, other.adminPassword);
    for (const token of [viewer, admin, stranger]) {
      const answer = await markRead(token, notice.id);
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe('COMMON.NOT_FOUND');
    }
    expect((await markRead(manager.token, crypto.randomUUID())).status).toBe(404);
    const bad = await markRead(manager.token, 'nope');
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.field).toBe('id');
    expect((await feed(manager.token, '?unread=true')).body.unreadCount).toBe(2);
  });

  it('lets an API key with account:read read the feed but not mark it: that needs a signed-in session', async () => {
    const created = await t.api.post<{ key: string }>('/api/v1/me/api-keys', { name: 'feed reader', scopes: ['account:read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() }, manager.token);
    expect(created.status).toBe(201);
    expect((await feed(created.body.key)).body.unreadCount).toBe(2);
    const refused = await markAll(created.body.key);
    expect(refused.status).toBe(403);
    const narrow = await t.api.post<{ key: string }>('/api/v1/me/api-keys', { name: 'no account', scopes: ['teams:read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() }, manager.token);
    expect((await feed(narrow.body.key)).status).toBe(403);
    expect((await feed(manager.token, '?unread=true')).body.unreadCount).toBe(2);
  });

  it('marks each notice once when fifty read-alls race, with events that add up to what was marked', async () => {
    const before = await t.env.scalar(`select coalesce(sum((payload->>'count')::int), 0) from events where type = 'notification.read'`);
    const answers: ApiResponse<{ marked: number; unreadCount: number }>[] = await Promise.all(Array.from({ length: 50 }, () => markAll(manager.token)));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(answers.reduce((sum, answer) => sum + answer.body.marked, 0)).toBe(2);
    expect((await feed(manager.token)).body.unreadCount).toBe(0);
    const recorded = await t.env.scalar(`select coalesce(sum((payload->>'count')::int), 0) from events where type = 'notification.read'`);
    expect(recorded - before).toBe(2);
    expect(await t.env.scalar(`select count(*) from events where type = 'notification.read' and payload->>'all' = 'true'`)).toBe(answers.filter((a) => a.body.marked > 0).length);
  });

  it('deletes notices past NOTIFICATION_RETENTION_DAYS, read or not, recording how many went, and keeps the rest', async () => {
    // all but the newest and Ada's (the next story removes her)
    const items = (await feed(manager.token)).body.items;
    const kept = [items[0].id, items.find((n) => n.title === 'Ada Feed accepted your invitation')!.id];
    await t.env.scalar(`update notifications set created_at = now() - interval '91 days' where user_id = $1 and not (id = any($2::uuid[])) returning 1`, [manager.id, kept]);
    // and two of another organization's, one read
    await t.env.scalar(
      `insert into notifications (id, organization_id, user_id, topic, kind, data, created_at, read_at)
       select gen_random_uuid(), o.id, gen_random_uuid(), 'invitationOutcomes', 'invitation_outcome', '{"outcome":"expired","invitees":[],"more":2}', now() - interval '200 days', r
         from organizations o, (values (null::timestamptz), (now())) v(r) where o.slug = 'feed-other' returning 1`,
    );
    const old = await t.env.scalar(`select count(*) from notifications where created_at < now() - interval '90 days'`);
    expect(old).toBe(3);
    const [pruned, again] = await Promise.all([t.app.get(NotificationPruner).prune(), t.app.get(NotificationPruner).prune()]);
    // a run already going is joined, not doubled
    expect(again).toBe(pruned);
    expect(pruned).toBe(old);
    expect((await feed(manager.token)).body.items.map((n) => n.id)).toEqual(kept);
    expect(await t.env.scalar(`select count(*) from notifications where created_at < now() - interval '90 days'`)).toBe(0);
    expect(await t.env.scalar(`select sum((payload->>'count')::int) from events where type = 'notification.pruned'`)).toBe(old);
    expect(await t.env.scalar(`select count(distinct organization_id) from events where type = 'notification.pruned'`)).toBe(2);
    expect(await t.app.get(NotificationPruner).prune()).toBe(0);
  });

  it('erases a removed person: their own feed, and their address and name in the notices of whoever invited them', async () => {
    const sql = await t.env.sql();
    let ada: string;
    try {
      ada = (await sql.query<{ id: string }>(`select id from users where email_normalized = 'ada.feed@example.com'`)).rows[0].id;
    } finally {
      await sql.end();
    }
    expect((await t.api.request('DELETE', `/api/v1/users/${ada}`, { token: admin })).status).toBe(204);
    const titles = (await feed(manager.token)).body.items.map((n) => n.title);
    expect(titles).toContain('a removed user accepted your invitation');
    expect(titles).not.toContain('Ada Feed accepted your invitation');
    expect(await t.env.scalar(`select count(*) from notifications where data::text ilike '%ada.feed%' or data::text like '%Ada Feed%'`)).toBe(0);

    // the removed inviter's own feed goes with them
    expect(await t.env.scalar('select count(*) from notifications where user_id = $1', [manager.id])).toBeGreaterThan(0);
    expect((await t.api.request('DELETE', `/api/v1/users/${manager.id}`, { token: admin })).status).toBe(204);
    expect(await t.env.scalar('select count(*) from notifications where user_id = $1', [manager.id])).toBe(0);
  });
});
