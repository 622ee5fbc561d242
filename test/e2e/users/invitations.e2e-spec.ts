import { InvitationExpirySweeper } from '../../../src/modules/users/infrastructure/invitation-expiry-sweeper';
import type { ApiResponse } from '../../support/api-client';
import { SmtpSink, type ReceivedMail } from '../../support/smtp-sink';
import { eventually, startTestApp, type TestApp } from '../../support/test-app';
import { createOrganization, createUser, organizationId } from '../../support/users';

interface Invitation {
  id: string;
  email: string;
  role: string;
  status: string;
  expiresAt: string;
}

interface ListedInvitation {
  id: string;
  email: string | null;
  role: string;
  status: string;
  invitedBy: string | null;
  expiresAt: string;
  createdAt: string;
  resentAt: string | null;
}

interface BatchResult {
  row: number;
  email: string | null;
  status: 'invited' | 'resent' | 'error';
  invitationId?: string;
  error?: { code: string; message: string; field: string | null };
}

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

const LINK = /http:\/\/gatehouse\.test\/invitations\/([A-Za-z0-9_-]+)/;

describe('invitations', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let admin: string;
  let manager: string;
  let viewer: string;
  let orgId: string;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await startTestApp({ overrides: { SMTP_URL: smtp.url } });
    orgId = await organizationId(t);
    await sql('update users set name = $1 where email_normalized = $2', ['Grace Admin', 'admin@example.com']);
    admin = await t.adminToken();
    const managerUser = await createUser(t, { organizationId: orgId, role: 'Manager' });
    manager = await t.api.login('default', managerUser.email, managerUser.password);
    const viewerUser = await createUser(t, { organizationId: orgId, role: 'Viewer' });
    viewer = await t.api.login('default', viewerUser.email, viewerUser.password);
  });

  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  async function sql<T extends Record<string, unknown> = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    const client = await t.env.sql();
    try {
      return (await client.query<T>(text, params)).rows;
    } finally {
      await client.end();
    }
  }

  function mailsTo(email: string): ReceivedMail[] {
    return smtp.received.filter((mail) => mail.envelopeTo.some((to) => to.toLowerCase() === email.toLowerCase()));
  }

  /** Waits for the `count`-th mail to `email` and answers the token of its link. */
  async function mailedToken(email: string, count = 1): Promise<string> {
    const mail = await eventually(async () => mailsTo(email)[count - 1], 15_000, `mail ${count} to ${email}`);
    const link = LINK.exec(mail.text);
    expect(link).not.toBeNull();
    return link![1];
  }

  function invite(body: Record<string, unknown>, token = admin): Promise<ApiResponse<Invitation & Problem>> {
    return t.api.post<Invitation & Problem>('/api/v1/invitations', body, token);
  }

  function batch(body: unknown, token = admin, contentType?: string): Promise<ApiResponse<{ results: BatchResult[] } & Problem>> {
    return contentType
      ? t.api.request('POST', '/api/v1/invitations/batch', { token, rawBody: body as string, headers: { 'content-type': contentType } })
      : t.api.request('POST', '/api/v1/invitations/batch', { token, body });
  }

  function preview(token: string): Promise<ApiResponse<Problem & { role: string; email: string; inviter: string | null }>> {
    return t.api.get(`/api/v1/invitations/accept/${token}`);
  }

  function accept(token: string, name = 'New Member'): Promise<ApiResponse<Problem & { accessToken: string }>> {
    return t.api.post('/api/v1/invitations/accept', { token, name, password: 'a long enough new password' });
  }

  async function list(query = '', token = admin): Promise<ListedInvitation[]> {
    const response = await t.api.get<{ items: ListedInvitation[] }>(`/api/v1/invitations${query}`, token);
    expect(response.status).toBe(200);
    return response.body.items;
  }

  it('invites by mail, and the mailed link makes an active member who can sign in', async () => {
    const sent = Date.now();
    const created = await invite({ email: 'Ada.Lovelace@Example.com', role: 'Developer' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), email: 'Ada.Lovelace@Example.com', role: 'Developer', status: 'pending', expiresAt: expect.any(String) });
    // the organization's default: 7 days
    expect(Math.abs(Date.parse(created.body.expiresAt) - sent - 7 * 86_400_000)).toBeLessThan(60_000);

    const token = await mailedToken('ada.lovelace@example.com');
    const mail = mailsTo('ada.lovelace@example.com')[0];
    expect(mail.text).toContain('Grace Admin invited you to join default on Gatehouse as Developer.');

    const shown = await preview(token);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ role: 'Developer', email: 'Ada.Lovelace@Example.com', inviter: 'Grace Admin' });

    const accepted = await accept(token, 'Ada Lovelace');
    expect(accepted.status).toBe(200);
    const me = await t.api.get<{ id: string; status: string }>('/api/v1/me', accepted.body.accessToken);
    expect(me.body.status).toBe('active');
    expect(await t.api.login('default', 'ada.lovelace@example.com', 'a long enough new password')).toEqual(expect.any(String));

    // the administrator sees the member active, and the invitation accepted
    const seen = await t.api.get<{ status: string; name: string }>(`/api/v1/users/${me.body.id}`, admin);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ status: 'active', name: 'Ada Lovelace' });
    const [listed] = (await list('?status=accepted')).filter((item) => item.id === created.body.id);
    expect(listed).toMatchObject({ email: 'Ada.Lovelace@Example.com', role: 'Developer', status: 'accepted', resentAt: null });
    expect(listed.invitedBy).toEqual(expect.any(String));

    // the trail has the story, and no address in it
    const events = await sql<{ type: string; payload: unknown }>(
      `select type, payload from events where subject->>'id' in ($1, $2) order by seq`,
      [me.body.id, created.body.id],
    );
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['user.created', 'user.invited', 'invitation.sent', 'invitation.accepted', 'user.activated']),
    );
    const all = await sql<{ text: string }>('select payload::text as text from events');
    expect(all.filter((row) => /lovelace/i.test(row.text))).toEqual([]);

    // the inviter hears of it (invitation outcomes are on by default)
    const told = await eventually(async () => mailsTo('admin@example.com').find((mail) => /accepted your invitation/.test(mail.headers.subject ?? '')), 15_000, 'the outcome mail');
    expect(told.headers.subject).toBe('Ada Lovelace (Ada.Lovelace@Example.com) accepted your invitation');
    expect(told.text).toContain('- Ada Lovelace (Ada.Lovelace@Example.com), Developer');
    expect(told.text).not.toContain(token);
  });

  it('tells the inviter of an acceptance once when the link is sent 10 times at once, and not at all when they turned invitation outcomes off', async () => {
    const outcomeMails = async (invitationId: string) =>
      Number((await sql<{ n: string }>(`select count(*) as n from mail_outbox where template = 'invitation_outcome' and event_subject->>'id' = $1`, [invitationId]))[0].n);
    const raced = await invite({ email: 'race.accept@example.com', role: 'Viewer' }, manager);
    const racedToken = await mailedToken('race.accept@example.com');
    const answers = await Promise.all(Array.from({ length: 10 }, () => accept(racedToken)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(await outcomeMails(raced.body.id)).toBe(1);

    const off = await t.api.request('PATCH', '/api/v1/me', { token: manager, body: { notificationPreferences: { invitationOutcomes: false } } });
    expect(off.status).toBe(200);
    const quiet = await invite({ email: 'quiet.accept@example.com', role: 'Viewer' }, manager);
    expect((await accept(await mailedToken('quiet.accept@example.com'))).status).toBe(200);
    // queued in the acceptance's own transaction: none was
    expect(await outcomeMails(quiet.body.id)).toBe(0);
    const on = await t.api.request('PATCH', '/api/v1/me', { token: manager, body: { notificationPreferences: { invitationOutcomes: true } } });
    expect(on.status).toBe(200);
  });

  it('resends a pending invitation instead of duplicating it, and each new link kills the old one', async () => {
    const email = 'resend.me@example.com';
    const first = await invite({ email, role: 'Viewer' });
    expect(first.status).toBe(201);
    const token1 = await mailedToken(email, 1);

    const again = await invite({ email: 'RESEND.me@example.com', role: 'Viewer' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, status: 'pending' });
    const token2 = await mailedToken(email, 2);
    expect(token2).not.toBe(token1);
    expect((await sql('select id from invitations where email_normalized = $1', [email])).length).toBe(1);

    const dead = await preview(token1);
    expect(dead.status).toBe(404);
    expect(dead.body.code).toBe('INVITATIONS.UNKNOWN');
    expect((await accept(token1)).status).toBe(404);

    const resent = await t.api.post<Invitation>(`/api/v1/invitations/${first.body.id}/resend`, {}, admin);
    expect(resent.status).toBe(200);
    expect(Date.parse(resent.body.expiresAt)).toBeGreaterThanOrEqual(Date.parse(again.body.expiresAt));
    const token3 = await mailedToken(email, 3);
    expect((await preview(token2)).status).toBe(404);
    expect((await preview(token3)).status).toBe(200);

    const [listed] = (await list('?status=pending')).filter((item) => item.id === first.body.id);
    expect(listed.resentAt).toEqual(expect.any(String));
    const resends = await sql(`select 1 from events where type = 'invitation.resent' and subject->>'id' = $1`, [first.body.id]);
    expect(resends).toHaveLength(2);

    // a different role for a pending invitation is a conflict naming the role, not a silent change
    const otherRole = await invite({ email, role: 'Developer' });
    expect(otherRole.status).toBe(409);
    expect(otherRole.body.errors?.[0].field).toBe('role');
  });

  it('refuses an expired link clearly, and the sweep marks it expired', async () => {
    const email = 'too.late@example.com';
    const created = await invite({ email, role: 'Viewer' });
    const token = await mailedToken(email);
    await sql(`update invitations set expires_at = now() - interval '1 minute' where id = $1`, [created.body.id]);

    const refused = await preview(token);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('INVITATIONS.EXPIRED');
    // listed as expired before the sweep has run
    expect((await list('?status=expired')).map((item) => item.id)).toContain(created.body.id);
    expect((await list('?status=pending')).map((item) => item.id)).not.toContain(created.body.id);

    expect(await t.app.get(InvitationExpirySweeper).sweep()).toBeGreaterThanOrEqual(1);
    expect(await sql('select status from invitations where id = $1', [created.body.id])).toEqual([{ status: 'expired' }]);
    expect(await sql(`select 1 from events where type = 'invitation.expired' and subject->>'id' = $1`, [created.body.id])).toHaveLength(1);
    const told = await eventually(async () => mailsTo('admin@example.com').find((mail) => mail.headers.subject === `Your invitation to ${email} expired`), 15_000, 'the expiry mail');
    expect(told.text).toContain(`- ${email}, Viewer`);
    expect(told.text).toContain('/resend');
    const late = await accept(token);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('INVITATIONS.EXPIRED');

    // resending an expired invitation starts it afresh
    const resent = await t.api.post<Invitation>(`/api/v1/invitations/${created.body.id}/resend`, {}, admin);
    expect(resent.status).toBe(200);
    expect(resent.body.status).toBe('pending');
    expect((await preview(await mailedToken(email, 2))).status).toBe(200);
  });

  it('refuses a revoked link clearly, and keeps the account unable to accept', async () => {
    const email = 'revoke.me@example.com';
    const created = await invite({ email, role: 'Developer' });
    const token = await mailedToken(email);

    const revoked = await t.api.request('DELETE', `/api/v1/invitations/${created.body.id}`, { token: admin });
    expect(revoked.status).toBe(204);
    const refused = await preview(token);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('INVITATIONS.REVOKED');
    expect((await accept(token)).body.code).toBe('INVITATIONS.REVOKED');
    expect(await sql('select status from users where email_normalized = $1', [email])).toEqual([{ status: 'invited' }]);
    expect(await sql(`select 1 from events where type = 'invitation.revoked' and subject->>'id' = $1`, [created.body.id])).toHaveLength(1);
    expect((await list('?status=revoked')).map((item) => item.id)).toContain(created.body.id);

    const resend = await t.api.post<Problem>(`/api/v1/invitations/${created.body.id}/resend`, {}, admin);
    expect(resend.status).toBe(409);
    expect((await t.api.request('DELETE', `/api/v1/invitations/${created.body.id}`, { token: admin })).status).toBe(204);

    // inviting the address again is a new invitation with a working link
    const again = await invite({ email, role: 'Viewer' });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(created.body.id);
    expect((await preview(await mailedToken(email, 2))).body.role).toBe('Viewer');
  });

  it('lets a Manager invite Developers and Viewers but not an Administrator', async () => {
    const refused = await invite({ email: 'boss@example.com', role: 'Administrator' }, manager);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('INVITATIONS.ROLE_NOT_ASSIGNABLE');
    expect(await sql('select 1 from users where email_normalized = $1', ['boss@example.com'])).toEqual([]);
    expect((await invite({ email: 'manager.peer@example.com', role: 'Manager' }, manager)).status).toBe(403);

    const allowed = await invite({ email: 'dev.by.manager@example.com', role: 'Developer' }, manager);
    expect(allowed.status).toBe(201);

    // nor may they resend or revoke an Administrator's invitation someone else sent
    const adminInvite = await invite({ email: 'second.admin@example.com', role: 'Administrator' });
    expect(adminInvite.status).toBe(201);
    expect((await t.api.post(`/api/v1/invitations/${adminInvite.body.id}/resend`, {}, manager)).status).toBe(403);
    expect((await t.api.request('DELETE', `/api/v1/invitations/${adminInvite.body.id}`, { token: manager })).status).toBe(403);

    // a Viewer does not invite at all, but may see the list
    expect((await invite({ email: 'v@example.com', role: 'Viewer' }, viewer)).status).toBe(403);
    expect((await t.api.get('/api/v1/invitations', viewer)).status).toBe(200);
  });

  it('refuses to invite an existing member with 409 naming the email', async () => {
    const response = await invite({ email: 'ADMIN@example.com', role: 'Viewer' });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('INVITATIONS.ALREADY_MEMBER');
    expect(response.body.errors).toEqual([{ field: 'email', message: expect.any(String) }]);
  });

  it('refuses a malformed email, an unknown role and teams with 400 naming the field', async () => {
    const badEmail = await invite({ email: 'not-an-email', role: 'Viewer' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.errors?.map((e) => e.field)).toEqual(['email']);
    const badRole = await invite({ email: 'someone@example.com', role: 'Wizard' });
    expect(badRole.status).toBe(400);
    expect(badRole.body.errors?.map((e) => e.field)).toEqual(['role']);
    const teams = await invite({ email: 'someone@example.com', role: 'Viewer', teamIds: [crypto.randomUUID()] });
    expect(teams.status).toBe(400);
    expect(teams.body.errors).toEqual([{ field: 'teamIds', message: expect.stringContaining('names no active team') }]);
    expect((await invite({ email: 'someone@example.com', role: 'Viewer', teamIds: [] })).status).toBe(201);
  });

  it('answers another organization’s invitation with 404', async () => {
    const other = await createOrganization(t, 'rivals');
    const otherAdmin = await t.api.login('rivals', other.adminEmail, other.adminPassword);
    const theirs = await invite({ email: 'their.hire@example.com', role: 'Viewer' }, otherAdmin);
    expect(theirs.status).toBe(201);
    expect((await t.api.post(`/api/v1/invitations/${theirs.body.id}/resend`, {}, admin)).status).toBe(404);
    expect((await t.api.request('DELETE', `/api/v1/invitations/${theirs.body.id}`, { token: admin })).status).toBe(404);
    expect((await list()).map((item) => item.id)).not.toContain(theirs.body.id);
    expect(await sql('select status from invitations where id = $1', [theirs.body.id])).toEqual([{ status: 'pending' }]);
  });

  it('invites a JSON batch row by row: good rows go through, each bad row says why', async () => {
    const response = await batch([
      { email: 'batch.one@example.com', role: 'Developer' },
      { email: 'not an email', role: 'Viewer' },
      { email: 'batch.two@example.com', role: 'Viewer' },
      { email: 'batch.three@example.com', role: 'Wizard' },
      { email: 'Batch.One@example.com', role: 'Developer' },
      { email: 'admin@example.com', role: 'Viewer' },
      { email: 'batch.four@example.com', role: 'Viewer', team: 'x' },
      'just a string',
    ]);
    expect(response.status).toBe(207);
    const results = response.body.results;
    expect(results.map((r) => [r.row, r.status, r.error?.field ?? null])).toEqual([
      [1, 'invited', null],
      [2, 'error', 'email'],
      [3, 'invited', null],
      [4, 'error', 'role'],
      [5, 'error', 'email'],
      [6, 'error', 'email'],
      [7, 'error', 'team'],
      [8, 'error', 'row'],
    ]);
    expect(results.map((r) => r.error?.code ?? null)).toEqual([
      null,
      'INVITATIONS.INVALID_EMAIL',
      null,
      'INVITATIONS.UNKNOWN_ROLE',
      'INVITATIONS.DUPLICATE_ROW',
      'INVITATIONS.ALREADY_MEMBER',
      'INVITATIONS.INVALID_ROW',
      'INVITATIONS.INVALID_ROW',
    ]);
    expect(results[0].invitationId).toEqual(expect.any(String));
    for (const result of results.filter((r) => r.status === 'error')) expect(result.error?.message).toEqual(expect.any(String));
    await mailedToken('batch.one@example.com');
    await mailedToken('batch.two@example.com');

    // sent again, the pending ones are resent; a Manager's Administrator row is refused on its own
    const again = await batch(
      [
        { email: 'batch.two@example.com', role: 'Viewer' },
        { email: 'batch.boss@example.com', role: 'Administrator' },
      ],
      manager,
    );
    expect(again.body.results.map((r) => [r.status, r.error?.code ?? null, r.error?.field ?? null])).toEqual([
      ['resent', null, null],
      ['error', 'INVITATIONS.ROLE_NOT_ASSIGNABLE', 'role'],
    ]);
    await mailedToken('batch.two@example.com', 2);
  });

  it('invites a CSV batch with a BOM, CRLF line ends and quoted fields', async () => {
    const csv =
      '\uFEFFemail,role\r\n' +
      '"csv.one@example.com",Developer\r\n' +
      'csv.two@example.com,"Viewer"\r\n' +
      '"not, an email",Viewer\r\n' +
      '\r\n' +
      '"csv.three@example.com","Viewer",extra\r\n';
    const response = await batch(csv, admin, 'text/csv; charset=utf-8');
    expect(response.status).toBe(207);
    expect(response.body.results).toEqual([
      { row: 1, email: 'csv.one@example.com', status: 'invited', invitationId: expect.any(String) },
      { row: 2, email: 'csv.two@example.com', status: 'invited', invitationId: expect.any(String) },
      { row: 3, email: 'not, an email', status: 'error', error: { code: 'INVITATIONS.INVALID_EMAIL', message: expect.any(String), field: 'email' } },
      { row: 4, email: 'csv.three@example.com', status: 'error', error: { code: 'INVITATIONS.INVALID_ROW', message: expect.any(String), field: 'column3' } },
    ]);
    await mailedToken('csv.one@example.com');
    await mailedToken('csv.two@example.com');

    const badHeader = await batch('mail,role\nx@example.com,Viewer\n', admin, 'text/csv');
    expect(badHeader.status).toBe(400);
    expect(badHeader.body.errors?.map((e) => e.field)).toEqual(['body']);
    const unclosed = await batch('email,role\n"x@example.com,Viewer\n', admin, 'text/csv');
    expect(unclosed.status).toBe(400);
    expect(unclosed.body.errors?.map((e) => e.field)).toEqual(['body']);
  });

  it('refuses a batch of more than 1,000 rows, or over 1 MiB, naming the body', async () => {
    const rows = Array.from({ length: 1001 }, (_, i) => ({ email: `many${i}@example.com`, role: 'Viewer' }));
    const json = await batch(rows);
    expect(json.status).toBe(400);
    expect(json.body.errors).toEqual([{ field: 'body', message: expect.stringContaining('1000') }]);
    const csv = await batch(['email,role', ...rows.map((r) => `${r.email},${r.role}`)].join('\n'), admin, 'text/csv');
    expect(csv.status).toBe(400);
    expect(csv.body.errors?.map((e) => e.field)).toEqual(['body']);
    expect(await sql(`select 1 from users where email_normalized like 'many%'`)).toEqual([]);

    const huge = await batch(`email,role\n${'x'.repeat(1024 * 1024)}@example.com,Viewer\n`, admin, 'text/csv');
    expect(huge.status).toBe(413);
    expect((await batch({ email: 'x@example.com', role: 'Viewer' })).status).toBe(400);
    // CSV is for the batch route only
    const elsewhere = await t.api.request('POST', '/api/v1/invitations', { token: admin, rawBody: 'email,role\n', headers: { 'content-type': 'text/csv' } });
    expect(elsewhere.status).toBe(415);
  });

  it('invites an address once when it is invited concurrently, singly and in overlapping batches', async () => {
    const singles = await Promise.all(Array.from({ length: 4 }, () => invite({ email: 'race@example.com', role: 'Viewer' })));
    expect(singles.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(singles.map((r) => r.body.id)).size).toBe(1);

    const rows = Array.from({ length: 30 }, (_, i) => ({ email: `overlap${i}@example.com`, role: 'Developer' }));
    const [forward, backward] = await Promise.all([batch(rows), batch([...rows].reverse())]);
    for (const response of [forward, backward]) {
      expect(response.status).toBe(207);
      expect(response.body.results.filter((r) => r.status === 'error')).toEqual([]);
    }
    const outcomes = [...forward.body.results, ...backward.body.results].map((r) => r.status);
    expect(outcomes.filter((s) => s === 'invited')).toHaveLength(30);
    expect(outcomes.filter((s) => s === 'resent')).toHaveLength(30);
    const users = await sql<{ n: string }>(`select count(*) as n from users where email_normalized like 'overlap%'`);
    const invitations = await sql<{ n: string }>(`select count(*) as n from invitations where email_normalized like 'overlap%'`);
    expect([users[0].n, invitations[0].n]).toEqual(['30', '30']);
  });

  it('invites each address once when the same batch is sent 20 times at once, in any order', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ email: `parallel${i}@example.com`, role: 'Viewer' }));
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => batch(i % 2 ? [...rows].reverse() : rows)));
    const results = responses.flatMap((response) => {
      expect(response.status).toBe(207);
      return response.body.results;
    });
    expect(results.filter((r) => r.status === 'error')).toEqual([]);
    const invited = results.filter((r) => r.status === 'invited').map((r) => r.email);
    expect(invited.sort()).toEqual(rows.map((r) => r.email).sort());
    expect(results.filter((r) => r.status === 'resent')).toHaveLength(19 * 40);
    const users = await sql<{ n: string }>(`select count(*) as n from users where email_normalized like 'parallel%'`);
    const invitations = await sql<{ n: string; ids: string }>(
      `select count(*) as n, count(distinct user_id) as ids from invitations where email_normalized like 'parallel%'`,
    );
    expect([users[0].n, invitations[0].n, invitations[0].ids]).toEqual(['40', '40', '40']);
    // every answer names the one invitation of its address
    const byEmail = new Map<string, Set<string>>();
    for (const r of results) byEmail.set(r.email!, (byEmail.get(r.email!) ?? new Set()).add(r.invitationId!));
    expect([...byEmail.values()].every((ids) => ids.size === 1)).toBe(true);
    const created = await sql<{ n: string }>(
      `select count(*) as n from events where type = 'user.created' and subject->>'id' in (select id::text from users where email_normalized like 'parallel%')`,
    );
    expect(created[0].n).toBe('40');
  });

  it('pages through the invitations with a stable keyset cursor', async () => {
    const total = Number((await sql<{ n: string }>('select count(*) as n from invitations where organization_id = $1', [orgId]))[0].n);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse<{ items: ListedInvitation[]; nextCursor: string | null }> = await t.api.get(
        `/api/v1/invitations?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        admin,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
      // an invitation sent meanwhile lands before the cursor, never inside the pages still to come
      if (seen.length === 3) await invite({ email: 'during.paging@example.com', role: 'Viewer' });
    } while (cursor);
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);

    expect((await t.api.get('/api/v1/invitations?cursor=nonsense', admin)).status).toBe(400);
    const badStatus = await t.api.get<Problem>('/api/v1/invitations?status=lost', admin);
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.errors?.map((e) => e.field)).toEqual(['status']);
  });

  it('uses the organization’s invitation lifetime from its policy', async () => {
    const saved = await t.api.request('PUT', '/api/v1/policies', { token: admin, body: { invitations: { ttlDays: 2 } } });
    expect(saved.status).toBe(200);
    const sent = Date.now();
    const created = await invite({ email: 'short.lived@example.com', role: 'Viewer' });
    expect(Math.abs(Date.parse(created.body.expiresAt) - sent - 2 * 86_400_000)).toBeLessThan(60_000);
    expect((await t.api.request('PUT', '/api/v1/policies', { token: admin, body: { invitations: { ttlDays: 0 } } })).status).toBe(400);
  });
});
