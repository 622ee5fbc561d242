import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { UnitOfWork } from '../../../src/infrastructure/event-store/unit-of-work';
import { MAIL_QUEUE } from '../../../src/infrastructure/mail/mail.constants';
import { MailOutbox } from '../../../src/infrastructure/mail/mail-outbox';
import { systemActor } from '../../../src/shared/actor';
import { parseMail, SmtpSink } from '../../support/smtp-sink';
import { eventually, startTestApp, type TestApp } from '../../support/test-app';

const RECIPIENT = 'new.person@invitee.example';
const TOKEN = 'tok_Secret-Invitation-Token_123';

interface MailRow {
  status: string;
  recipient: string | null;
  data: Record<string, unknown>;
  attempts: number;
  last_error: string | null;
  sent_at: Date | null;
  dead_at: Date | null;
}

interface EventRow {
  type: string;
  organization_id: string;
  actor: unknown;
  subject: { type: string; id: string };
  payload: Record<string, unknown>;
}

/** Runs a command that records an event and enqueues an invitation mail in the same transaction. */
async function inviteByMail(t: TestApp, options: { failAfterEnqueue?: boolean } = {}) {
  const sql = await t.env.sql();
  const {
    rows: [admin],
  } = await sql.query<{ id: string; organization_id: string }>(
    "select u.id, u.organization_id from users u join organizations o on o.id = u.organization_id where o.slug = 'default' limit 1",
  );
  await sql.end();
  const outbox = t.app.get(MailOutbox);
  const link = outbox.link('/invitations/accept', { token: TOKEN });
  const { result: mailId } = await t.app.get(UnitOfWork).run({ actor: systemActor(), organizationId: admin.organization_id }, async (ctx) => {
    ctx.record({ type: 'user.profile_updated', organizationId: admin.organization_id, subject: { type: 'user', id: admin.id }, payload: { fields: [] } });
    const id = await outbox.enqueue(ctx, {
      organizationId: admin.organization_id,
      template: 'invitation',
      to: RECIPIENT,
      data: { organizationName: 'Default <Org>', inviterName: 'Ada & Co', role: 'Developer', link, expiresAt: '2026-12-06T14:30:00.000Z' },
      subject: { type: 'user', id: admin.id },
      events: { sent: 'invitation.sent', failed: 'invitation.delivery_failed' },
    });
    if (options.failAfterEnqueue) throw new Error('the command fails after enqueueing');
    return id;
  });
  return { mailId, link, userId: admin.id, organizationId: admin.organization_id };
}

async function mailRow(t: TestApp, mailId: string): Promise<MailRow | undefined> {
  const sql = await t.env.sql();
  try {
    const { rows } = await sql.query<MailRow>(
      'select status, recipient, data, attempts, last_error, sent_at, dead_at from mail_outbox where id = $1',
      [mailId],
    );
    return rows[0];
  } finally {
    await sql.end();
  }
}

async function events(t: TestApp, type?: string): Promise<EventRow[]> {
  const sql = await t.env.sql();
  try {
    const { rows } = await sql.query<EventRow>(
      `select type, organization_id, actor, subject, payload from events ${type ? 'where type = $1' : ''} order by seq`,
      type ? [type] : [],
    );
    return rows;
  } finally {
    await sql.end();
  }
}

describe('mail delivery over SMTP', () => {
  let smtp: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await startTestApp({ overrides: { SMTP_URL: smtp.url, MAIL_ATTEMPTS: '3', MAIL_BACKOFF_MS: '50' } });
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('delivers a mail enqueued by a command, records invitation.sent and clears the row', async () => {
    const { mailId, link, userId, organizationId } = await inviteByMail(t);

    const mail = await eventually(async () => smtp.received[0], 10_000, 'the mail at the SMTP server');
    expect(mail.envelopeTo).toEqual([RECIPIENT]);
    expect(mail.headers.to).toBe(RECIPIENT);
    expect(mail.headers.subject).toBe("You're invited to Default <Org> on Gatehouse");
    expect(mail.headers['message-id']).toBe(`<${mailId}@gatehouse.test>`);
    expect(link).toBe(`http://gatehouse.test/invitations/accept?token=${TOKEN}`);
    expect(mail.text.split(/\r?\n/)).toContain(link); // the bare link, on a line of its own
    expect(mail.text).toContain('Ada & Co invited you to join Default <Org> on Gatehouse as Developer.');
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.html).toContain('<strong>Ada &amp; Co</strong>');
    expect(mail.html).toContain('<strong>Default &lt;Org&gt;</strong>');

    const row = await eventually(async () => {
      const r = await mailRow(t, mailId);
      return r?.status === 'sent' ? r : undefined;
    }, 10_000, 'the row marked sent');
    expect(row).toMatchObject({ recipient: null, data: {}, attempts: 1, last_error: null, dead_at: null });
    expect(row.sent_at).toBeInstanceOf(Date);

    const sent = await events(t, 'invitation.sent');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      organization_id: organizationId,
      subject: { type: 'user', id: userId },
      payload: { mailId, template: 'invitation', attempts: 1 },
      actor: { type: 'system', id: null },
    });
    const all = JSON.stringify(await events(t));
    expect(all).not.toContain(RECIPIENT);
    expect(all).not.toContain(TOKEN);

    // a repeated job for a settled mail does nothing
    const queue = t.app.get<Queue>(getQueueToken(MAIL_QUEUE));
    const again = await queue.add('invitation', { mailId }, { jobId: `${mailId}-again` });
    await eventually(async () => ((await again.getState()) === 'completed' ? true : undefined), 10_000, 'the repeated job done');
    expect(smtp.received).toHaveLength(1);
    expect(await events(t, 'invitation.sent')).toHaveLength(1);
  });

  it('sends a mail once when many jobs for it are taken at the same moment', async () => {
    const before = smtp.received.length;
    const { mailId } = await inviteByMail(t);
    const queue = t.app.get<Queue>(getQueueToken(MAIL_QUEUE));
    const jobs = await queue.addBulk(Array.from({ length: 20 }, (_, i) => ({ name: 'invitation', data: { mailId }, opts: { jobId: `${mailId}-race-${i}` } })));
    await eventually(async () => ((await Promise.all(jobs.map((job) => job.getState()))).every((state) => state === 'completed') ? true : undefined), 15_000, 'every job done');
    await eventually(async () => ((await mailRow(t, mailId))?.status === 'sent' ? true : undefined), 10_000, 'the row marked sent');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.received.slice(before).filter((mail) => mail.headers['message-id'] === `<${mailId}@gatehouse.test>`)).toHaveLength(1);
    expect((await events(t, 'invitation.sent')).filter((event) => event.payload.mailId === mailId)).toHaveLength(1);
  });

  it('sends nothing when the command that enqueued the mail fails', async () => {
    const before = smtp.received.length;
    await expect(inviteByMail(t, { failAfterEnqueue: true })).rejects.toThrow(/command fails/);
    const sql = await t.env.sql();
    const { rows } = await sql.query<{ count: string }>("select count(*) from mail_outbox where status = 'pending'");
    await sql.end();
    expect(Number(rows[0].count)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.received).toHaveLength(before);
  });
});

describe('mail delivery to an SMTP server that refuses every message', () => {
  let smtp: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await SmtpSink.start({ reject: { code: 550, message: `mailbox ${RECIPIENT} unavailable` } });
    t = await startTestApp({ overrides: { SMTP_URL: smtp.url, MAIL_ATTEMPTS: '3', MAIL_BACKOFF_MS: '50' } });
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('retries with backoff, then marks the mail dead and records invitation.delivery_failed once, without the address', async () => {
    const { mailId, userId } = await inviteByMail(t);

    const row = await eventually(async () => {
      const r = await mailRow(t, mailId);
      return r?.status === 'dead' ? r : undefined;
    }, 15_000, 'the row marked dead');
    expect(smtp.offered).toBe(3);
    expect(row).toMatchObject({ recipient: null, data: {}, attempts: 3, sent_at: null });
    expect(row.dead_at).toBeInstanceOf(Date);
    expect(row.last_error).toMatch(/550/);
    expect(row.last_error).not.toContain(RECIPIENT);

    const failed = await events(t, 'invitation.delivery_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      subject: { type: 'user', id: userId },
      payload: { mailId, template: 'invitation', attempts: 3, reason: 'EMESSAGE 550' },
    });
    expect(await events(t, 'invitation.sent')).toHaveLength(0);
    const all = JSON.stringify(await events(t));
    expect(all).not.toContain(RECIPIENT);
    expect(all).not.toContain(TOKEN);

    // the dead letter stays in BullMQ's failed set, and what Redis keeps names no address
    const job = await t.app.get<Queue>(getQueueToken(MAIL_QUEUE)).getJob(mailId);
    expect(await job?.getState()).toBe('failed');
    expect(job?.data).toEqual({ mailId });
    expect(job?.failedReason).not.toContain(RECIPIENT);

    // and nothing tries again
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.offered).toBe(3);
    expect(await events(t, 'invitation.delivery_failed')).toHaveLength(1);
  });
});

describe('mail without SMTP_URL', () => {
  let dir: string;
  let t: TestApp;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-mail-'));
    t = await startTestApp({ overrides: { MAIL_DIR: dir } });
  });

  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the mail as an .eml file under MAIL_DIR with the link, and records invitation.sent', async () => {
    const { mailId, link } = await inviteByMail(t);
    const file = join(dir, `${mailId}.eml`);

    await eventually(async () => (existsSync(file) ? true : undefined), 10_000, 'the .eml file');
    const mail = parseMail(readFileSync(file, 'latin1'));
    expect(mail.headers.to).toBe(RECIPIENT);
    expect(mail.text).toContain(link);
    expect(mail.html).toContain(`href="${link}"`);

    await eventually(async () => ((await mailRow(t, mailId))?.status === 'sent' ? true : undefined), 10_000, 'the row marked sent');
    expect(await events(t, 'invitation.sent')).toHaveLength(1);
  });
});
