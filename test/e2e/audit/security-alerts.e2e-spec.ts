import { eventually, startTestAppWithMail, type TestApp } from '../../support/test-app';
import type { SmtpSink } from '../../support/smtp-sink';
import { ADMIN_EMAIL } from '../../support/test-env';
import { createOrganization, createUser, organizationId } from '../../support/users';
import { AlertDigestScheduler } from '../../../src/modules/audit/jobs/alert-digest-scheduler';

interface Alert {
  id: string;
  rule: string;
  severity: string;
  status: string;
  key: { type: string; value: string };
  eventCount: number;
  acknowledged: { by: string; at: string; note: string | null } | null;
  resolved: { by: string; at: string; note: string | null } | null;
  events?: { id: string; type: string }[];
}

const FAILED_SIGN_INS = 'Repeated failed sign-ins for one account';

/**
 * The security detector end to end: real failed sign-ins through the outbox and the
 * detector's own position, the alerts API, and the mail at a real SMTP server. The rules
 * themselves are tested below HTTP (src/modules/audit/domain/*.spec.ts).
 */
describe('security alerts', () => {
  let t: TestApp & { smtp: SmtpSink };
  let admin: string;
  let orgId: string;
  let adminId: string;
  let victim: { id: string; email: string };
  let optedOut: { id: string; email: string; password: string };
  let optedOutToken: string;
  let alert: Alert;

  const alertsOf = async (query = ''): Promise<Alert[]> => (await t.api.get<{ items: Alert[] }>(`/api/v1/audit/security-events${query}`, admin)).body.items;
  const feedIds = async (token: string) => {
    const answer = await t.api.get<{ items: { subject: { id: string } | null }[]; unreadCount: number }>('/api/v1/me/notifications', token);
    return { ids: answer.body.items.map((n) => n.subject?.id), unread: answer.body.unreadCount };
  };
  const alertMails = () => t.smtp.received.filter((mail) => mail.headers.subject?.includes(FAILED_SIGN_INS));

  beforeAll(async () => {
    // a mail every pass that opens alerts (the digest is the next describe's)
    t = await startTestAppWithMail({ overrides: { SECURITY_ALERT_MAIL_INTERVAL_SECONDS: '0' } });
    admin = await t.adminToken();
    orgId = await organizationId(t);
    adminId = (await t.api.get<{ id: string }>('/api/v1/me', admin)).body.id;
    victim = await createUser(t, { organizationId: orgId, role: 'Viewer' });
    // a second Administrator who chose no security mail
    optedOut = await createUser(t, { organizationId: orgId, role: 'Administrator' });
    optedOutToken = await t.api.login('default', optedOut.email, optedOut.password);
    const patched = await t.api.request('PATCH', '/api/v1/me', { token: optedOutToken, body: { notificationPreferences: { securityAlerts: false } } });
    expect(patched.status).toBe(200);
  });

  afterAll(async () => {
    await t.close();
  });

  it('raises one alert for repeated failed sign-ins through the pipeline, with the events behind it', async () => {
    for (let i = 0; i < 5; i++) {
      const answer = await t.api.post('/api/v1/auth/login', { organization: 'default', email: victim.email, password: 'not the password' });
      expect(answer.status).toBe(401);
    }
    const [raised] = await eventually(async () => {
      const found = await alertsOf('?rule=failed_sign_ins_account');
      return found.length ? found : undefined;
    }, 15_000, 'the alert');
    expect(raised).toMatchObject({ severity: 'medium', status: 'open', key: { type: 'user', value: victim.id }, eventCount: 5, acknowledged: null, resolved: null });
    const detail = await t.api.get<Alert>(`/api/v1/audit/security-events/${raised.id}`, admin);
    expect(detail.status).toBe(200);
    expect(detail.body.events).toHaveLength(5);
    expect(detail.body.events!.every((event) => event.type === 'auth.login_failed')).toBe(true);
    alert = raised;
  });

  it('mails it once to the Administrators who chose security mail, with the rule, severity and a link', async () => {
    const [mail] = await eventually(async () => (alertMails().length ? alertMails() : undefined), 15_000, 'the alert mail');
    expect(mail.envelopeTo).toEqual([ADMIN_EMAIL]);
    expect(mail.headers.subject).toBe(`Security alert (medium): ${FAILED_SIGN_INS}`);
    expect(mail.text).toContain(`/api/v1/audit/security-events/${alert.id}`);
    expect(mail.text).not.toContain('not the password');
    // the one mail row of the alert went to the one Administrator who wants it
    expect(await t.env.scalar(`select count(*) from mail_outbox where event_subject = $1::jsonb`, [JSON.stringify({ type: 'security_alert', id: alert.id })])).toBe(1);
  });

  it('puts it in the app feed of every Administrator, whatever their mail choice, and of nobody else', async () => {
    const feedOf = async (token: string) =>
      (await t.api.get<{ items: { kind: string; title: string; subject: { id: string } | null }[] }>('/api/v1/me/notifications', token)).body.items.filter((n) => n.subject?.id === alert.id);
    const expected = { kind: 'security_alert', title: `Security alert (medium): ${FAILED_SIGN_INS}`, subject: { type: 'security_alert', id: alert.id } };
    expect(await feedOf(admin)).toEqual([expect.objectContaining(expected)]);
    // mail off, the feed's switch on (its default)
    expect(await feedOf(optedOutToken)).toEqual([expect.objectContaining(expected)]);
    const viewer = await createUser(t, { organizationId: orgId, role: 'Viewer' });
    expect(await feedOf(await t.api.login('default', viewer.email, viewer.password))).toEqual([]);
  });

  it('shows alerts in a feed only to a key that carries audit:read', async () => {
    const key = async (scopes: string[]) =>
      (await t.api.post<{ key: string }>('/api/v1/me/api-keys', { name: scopes.join(' '), scopes, expiresAt: new Date(Date.now() + 86_400_000).toISOString() }, optedOutToken)).body.key;
    expect((await feedIds(await key(['account:read', 'audit:read']))).ids).toContain(alert.id);
    expect(await feedIds(await key(['account:read']))).toEqual({ ids: [], unread: 0 });
  });

  it('adds repeats to the open alert instead of opening another, and mails nothing more', async () => {
    // the address is locked by now: the refusal is still a recorded failure of the account
    await t.api.post('/api/v1/auth/login', { organization: 'default', email: victim.email, password: 'not the password either' });
    const grown = await eventually(async () => {
      const [found] = await alertsOf('?rule=failed_sign_ins_account');
      return found.eventCount > 5 ? found : undefined;
    }, 15_000, 'the alert to grow');
    expect(grown.id).toBe(alert.id);
    expect(await alertsOf('?rule=failed_sign_ins_account')).toHaveLength(1);
    expect(await t.env.scalar(`select count(*) from events where type = 'security.alert_raised' and subject->>'id' = $1`, [alert.id])).toBe(1);
    alert = grown;
  });

  it('raises each alert once when its pass runs again (a redelivered or lost job)', async () => {
    const firstFailure = await t.env.scalar(`select min(seq) from events where type = 'auth.login_failed' and organization_id = $1`, [orgId]);
    const head = await t.env.scalar('select last_seq from event_streams where organization_id = $1', [orgId]);
    await t.env.scalar(`update projection_positions set last_seq = $1 where projection = 'security_detector' and organization_id = $2 returning 0`, [firstFailure - 1, orgId]);
    await eventually(
      async () => ((await t.env.scalar(`select last_seq from projection_positions where projection = 'security_detector' and organization_id = $1`, [orgId])) >= head ? true : undefined),
      15_000,
      'the detector to pass the same events again',
    );
    const again = await alertsOf('?rule=failed_sign_ins_account');
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ id: alert.id, eventCount: alert.eventCount });
    expect(await t.env.scalar(`select count(*) from events where type = 'security.alert_raised' and subject->>'id' = $1`, [alert.id])).toBe(1);
    expect(await t.env.scalar(`select count(*) from mail_outbox where event_subject = $1::jsonb`, [JSON.stringify({ type: 'security_alert', id: alert.id })])).toBe(1);
    expect(alertMails()).toHaveLength(1);
  });

  it('filters by severity, status and rule, newest first, and names a bad filter', async () => {
    expect((await alertsOf('?severity=medium&status=open')).map((a) => a.id)).toContain(alert.id);
    expect((await alertsOf('?severity=high')).map((a) => a.id)).not.toContain(alert.id);
    expect((await alertsOf('?status=resolved')).map((a) => a.id)).not.toContain(alert.id);
    // the second Administrator made in beforeAll is an alert of its own
    const granted = await eventually(async () => {
      const found = await alertsOf('?rule=administrator_granted');
      return found.length ? found : undefined;
    }, 15_000, 'the administrator_granted alert');
    expect(granted[0]).toMatchObject({ severity: 'high', key: { type: 'user', value: optedOut.id } });
    const page = await t.api.get<{ items: Alert[]; nextCursor: string | null }>('/api/v1/audit/security-events?limit=1', admin);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.nextCursor).not.toBeNull();
    const next = await t.api.get<{ items: Alert[] }>(`/api/v1/audit/security-events?limit=1&cursor=${page.body.nextCursor}`, admin);
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
    const bad = await t.api.get<{ errors: { field: string }[] }>('/api/v1/audit/security-events?severity=urgent', admin);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((e) => e.field)).toContain('severity');
  });

  it('acknowledges and resolves with who and when, and answers an invalid transition with 409', async () => {
    const acknowledged = await t.api.post<Alert>(`/api/v1/audit/security-events/${alert.id}/acknowledge`, { note: 'looking into it' }, admin);
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toMatchObject({ status: 'acknowledged', acknowledged: { by: adminId, note: 'looking into it' }, resolved: null });
    expect(Date.parse(acknowledged.body.acknowledged!.at)).not.toBeNaN();
    const twice = await t.api.post<{ code: string }>(`/api/v1/audit/security-events/${alert.id}/acknowledge`, {}, admin);
    expect(twice.status).toBe(409);
    expect(twice.headers.get('content-type')).toContain('application/problem+json');
    const resolved = await t.api.post<Alert>(`/api/v1/audit/security-events/${alert.id}/resolve`, {}, admin);
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', acknowledged: { by: adminId }, resolved: { by: adminId, note: null } });
    expect((await t.api.post(`/api/v1/audit/security-events/${alert.id}/resolve`, {}, admin)).status).toBe(409);
    const types = await eventually(async () => {
      const found = (await t.api.get<{ items: { type: string }[] }>(`/api/v1/audit/events?subject=${alert.id}`, admin)).body.items.map((e) => e.type);
      return found.includes('security.alert_resolved') ? found : undefined;
    }, 15_000, 'the triage in the trail');
    expect(types).toEqual(expect.arrayContaining(['security.alert_raised', 'security.alert_acknowledged', 'security.alert_resolved']));
  });

  it('needs audit:manage to triage, audit:read to read, and answers another organization’s alert with 404', async () => {
    const reader = await createUser(t, { organizationId: orgId, role: 'Viewer' });
    const readerToken = await t.api.login('default', reader.email, reader.password);
    expect((await t.api.get('/api/v1/audit/security-events', readerToken)).status).toBe(403);

    const key = await t.api.post<{ key: string }>('/api/v1/me/api-keys', { name: 'reads alerts', scopes: ['audit:read'], expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() }, admin);
    expect(key.status).toBe(201);
    expect((await t.api.get(`/api/v1/audit/security-events/${alert.id}`, key.body.key)).status).toBe(200);
    const refused = await t.api.post(`/api/v1/audit/security-events/${alert.id}/acknowledge`, {}, key.body.key);
    expect(refused.status).toBe(403);

    const other = await createOrganization(t, 'alerts-other');
    const otherAdmin = await t.api.login('alerts-other', other.adminEmail, other.adminPassword);
    expect((await t.api.get(`/api/v1/audit/security-events/${alert.id}`, otherAdmin)).status).toBe(404);
    expect((await t.api.post(`/api/v1/audit/security-events/${alert.id}/resolve`, {}, otherAdmin)).status).toBe(404);
    expect((await t.api.get<{ items: Alert[] }>('/api/v1/audit/security-events', otherAdmin)).body.items).toEqual([]);
    expect((await t.api.get('/api/v1/audit/security-events/not-a-uuid', admin)).status).toBe(400);
  });

  it('raises one alert when an Administrator signs in from a new device, twice at once, judged by the role of the sign-in; none for a Viewer', async () => {
    const signIn = (user: { email: string; password: string }, userAgent: string) =>
      t.api.request('POST', '/api/v1/auth/login', { body: { organization: 'default', email: user.email, password: user.password }, headers: { 'user-agent': userAgent } });
    const viewer = await createUser(t, { organizationId: orgId, role: 'Viewer' });
    expect((await signIn(viewer, 'first-device/1')).status).toBe(200);
    // both sign-ins may share the detector's pass: its device is recorded once, and judged new once
    const answers = await Promise.all([signIn(optedOut, 'new-device/2'), signIn(optedOut, 'new-device/2'), signIn(viewer, 'new-device/2')]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    const [raised] = await eventually(async () => {
      const found = await alertsOf('?rule=admin_new_sign_in');
      return found.length ? found : undefined;
    }, 15_000, 'the new-device alert');
    expect(raised).toMatchObject({ severity: 'medium', key: { type: 'user', value: optedOut.id }, eventCount: 1 });
    const head = await t.env.scalar('select last_seq from event_streams where organization_id = $1', [orgId]);
    await eventually(
      async () => ((await t.env.scalar(`select last_seq from projection_positions where projection = 'security_detector' and organization_id = $1`, [orgId])) >= head ? true : undefined),
      15_000,
      'the detector to pass every sign-in',
    );
    expect(await alertsOf('?rule=admin_new_sign_in')).toHaveLength(1);
    expect(await t.env.scalar(`select count(*) from security_known_devices where user_id = $1 and kind = 'user_agent' and value = 'new-device/2'`, [optedOut.id])).toBe(1);
    expect(await t.env.scalar(`select count(*) from security_known_devices where user_id = $1 and kind = 'signed_in'`, [viewer.id])).toBe(1);
    expect(await t.env.scalar(`select count(*) from events where type = 'auth.login_succeeded' and subject->>'id' = $1 and payload->>'role' = 'Administrator'`, [optedOut.id])).toBe(3);
  });

  it('shows alerts in a feed only while its reader holds audit:read: not to an Administrator made Manager', async () => {
    const setRole = (role: string) => t.api.request('PUT', `/api/v1/users/${optedOut.id}/role`, { token: admin, body: { role } });
    expect((await setRole('Manager')).status).toBe(200);
    expect((await feedIds(await t.api.login('default', optedOut.email, optedOut.password))).ids).not.toContain(alert.id);
    expect((await setRole('Administrator')).status).toBe(200);
    expect((await feedIds(await t.api.login('default', optedOut.email, optedOut.password))).ids).toContain(alert.id);
  });
});

describe('security alert mail as a digest (SECURITY_ALERT_MAIL_INTERVAL_SECONDS)', () => {
  const INTERVAL_SECONDS = 8;
  let t: TestApp & { smtp: SmtpSink };
  let admin: string;
  let orgId: string;

  const alertMails = () => t.smtp.received.filter((mail) => /security alert/i.test(mail.headers.subject ?? ''));
  const failFiveTimes = async (email: string) => {
    for (let i = 0; i < 5; i++) expect((await t.api.post('/api/v1/auth/login', { organization: 'default', email, password: 'not the password' })).status).toBe(401);
  };
  const alertAbout = (userId: string) =>
    eventually(async () => {
      const { items } = (await t.api.get<{ items: Alert[] }>('/api/v1/audit/security-events?rule=failed_sign_ins_account', admin)).body;
      return items.find((item) => item.key.value === userId);
    }, 15_000, `the alert about ${userId}`);

  beforeAll(async () => {
    t = await startTestAppWithMail({ overrides: { SECURITY_ALERT_MAIL_INTERVAL_SECONDS: String(INTERVAL_SECONDS) } });
    admin = await t.adminToken();
    orgId = await organizationId(t);
  });

  afterAll(async () => {
    await t.close();
  });

  it('mails the first alert at once, holds the next ones within the interval, then mails them together once, whatever runs the digest at the same time', async () => {
    const [first, second, third] = await Promise.all([1, 2, 3].map(() => createUser(t, { organizationId: orgId, role: 'Viewer' })));
    await failFiveTimes(first.email);
    const firstAlert = await alertAbout(first.id);
    const [firstMail] = await eventually(async () => (alertMails().length ? alertMails() : undefined), 15_000, 'the first alert mail');
    expect(firstMail.headers.subject).toBe(`Security alert (medium): ${FAILED_SIGN_INS}`);
    expect(firstMail.text).toContain(firstAlert.id);

    // within the interval: raised, not mailed
    await failFiveTimes(second.email);
    await failFiveTimes(third.email);
    const held = [await alertAbout(second.id), await alertAbout(third.id)];
    expect(await t.env.scalar('select count(*) from security_alerts where organization_id = $1 and mailed_at is null', [orgId])).toBe(2);
    expect(alertMails()).toHaveLength(1);

    // at the interval's end: the scheduler and 50 runs of the digest at once mail them once
    const lastMailedAt = await t.env.scalar('select extract(epoch from last_mailed_at) * 1000 from security_alert_mailings where organization_id = $1', [orgId]);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastMailedAt + INTERVAL_SECONDS * 1000 - Date.now() + 50)));
    const scheduler = t.app.get(AlertDigestScheduler);
    const mailed = await Promise.all(Array.from({ length: 50 }, () => scheduler.runOnce()));
    expect(mailed.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(1);
    const [, digest] = await eventually(async () => (alertMails().length >= 2 ? alertMails() : undefined), 15_000, 'the digest');
    expect(digest.envelopeTo).toEqual([ADMIN_EMAIL]);
    expect(digest.headers.subject).toBe(`2 new security alerts, the first medium: ${FAILED_SIGN_INS}`);
    for (const alert of held) expect(digest.text).toContain(`/api/v1/audit/security-events/${alert.id}`);
    expect(digest.text).not.toContain(firstAlert.id);
    expect(await t.env.scalar('select count(*) from security_alerts where organization_id = $1 and mailed_at is null', [orgId])).toBe(0);
    expect(await t.env.scalar(`select count(*) from mail_outbox where organization_id = $1 and template = 'audit_security_alert'`, [orgId])).toBe(2);
    const queued = await t.env.sql();
    try {
      const { rows } = await queued.query(`select payload from events where organization_id = $1 and type = 'security.alert_mail_queued' order by seq`, [orgId]);
      expect(rows.map((row) => ({ count: row.payload.alertCount, recipients: row.payload.recipients }))).toEqual([
        { count: 1, recipients: 1 },
        { count: 2, recipients: 1 },
      ]);
      expect([...rows[1].payload.alertIds].sort()).toEqual(held.map((alert) => alert.id).sort());
    } finally {
      await queued.end();
    }
    // nothing waits any more: the next runs mail nothing
    expect(await scheduler.runOnce()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(alertMails()).toHaveLength(2);
  });
});
