import { SendWeeklyDigestCommand } from '../../../src/modules/audit/commands/send-weekly-digest/send-weekly-digest.command';
import { weekOf } from '../../../src/modules/audit/domain/weekly-digest';
import { WeeklyDigestScheduler } from '../../../src/modules/audit/jobs/weekly-digest-scheduler';
import { systemActor } from '../../../src/shared/actor';
import { CommandBus } from '@nestjs/cqrs';
import type { SmtpSink } from '../../support/smtp-sink';
import { auditCaughtUp, eventually, startTestAppWithMail, type TestApp } from '../../support/test-app';
import { ADMIN_EMAIL } from '../../support/test-env';
import { createOrganization, createUser, organizationId } from '../../support/users';

/**
 * The weekly digest (notification preference `weeklyDigest`, off by default) through the real
 * pipeline: events projected into audit_log, counted for the week, mailed to a real SMTP server.
 */
describe('the weekly digest', () => {
  let t: TestApp & { smtp: SmtpSink };
  let orgId: string;

  const digests = () => t.smtp.received.filter((mail) => mail.headers.subject?.startsWith('Your Gatehouse week'));

  beforeAll(async () => {
    t = await startTestAppWithMail();
    orgId = await organizationId(t);
  });

  afterAll(async () => {
    await t.close();
  });

  it('mails this week to those who chose it, once whatever runs it at once: the organization to readers of the trail, their own sign-ins to all', async () => {
    const admin = await t.adminToken();
    const viewer = await createUser(t, { organizationId: orgId, role: 'Viewer' });
    const quiet = await createUser(t, { organizationId: orgId, role: 'Developer' });
    const viewerToken = await t.api.login('default', viewer.email, viewer.password);
    await t.api.login('default', viewer.email, viewer.password);
    await t.api.login('default', quiet.email, quiet.password);
    expect((await t.api.post('/api/v1/auth/login', { organization: 'default', email: quiet.email, password: 'not the password' })).status).toBe(401);
    for (const token of [admin, viewerToken]) {
      expect((await t.api.request('PATCH', '/api/v1/me', { token, body: { notificationPreferences: { weeklyDigest: true } } })).status).toBe(200);
    }
    await auditCaughtUp(t.env, 'the week so far');

    const bus = t.app.get(CommandBus);
    const week = weekOf(new Date());
    const mailed = await Promise.all(Array.from({ length: 20 }, () => bus.execute(new SendWeeklyDigestCommand(systemActor('test'), orgId, week))));
    expect(mailed.reduce((sum, n) => sum + n, 0)).toBe(2);

    const [first, second] = await eventually(async () => (digests().length >= 2 ? digests() : undefined), 15_000, 'two digests');
    const byRecipient = new Map([first, second].map((mail) => [mail.envelopeTo[0], mail]));
    const adminMail = byRecipient.get(ADMIN_EMAIL)!;
    const viewerMail = byRecipient.get(viewer.email)!;
    expect(adminMail.text).toContain('The organization:');
    const counted = (type: string) =>
      t.env.scalar('select count(*) from audit_log where organization_id = $1 and type = $2 and occurred_at >= $3', [orgId, type, week.start]);
    expect(adminMail.text).toContain(`- ${await counted('auth.login_succeeded')} sign-ins`);
    expect(adminMail.text).toContain(`- ${await counted('auth.login_failed')} failed sign-ins`);
    expect(await counted('auth.login_failed')).toBeGreaterThanOrEqual(1);
    expect(viewerMail.text).toContain('You signed in 2 times.');
    expect(viewerMail.text).not.toContain('The organization');
    expect(viewerMail.text).not.toContain(quiet.email);
    expect(t.smtp.received.some((mail) => mail.envelopeTo.includes(quiet.email.toLowerCase()) || mail.envelopeTo.includes(quiet.email))).toBe(false);

    expect(await t.env.scalar('select count(*) from weekly_digests where organization_id = $1', [orgId])).toBe(1);
    expect(await t.env.scalar(`select count(*) from events where organization_id = $1 and type = 'audit.weekly_digest_queued'`, [orgId])).toBe(1);
    expect(await bus.execute(new SendWeeklyDigestCommand(systemActor('test'), orgId, week))).toBe(0);
  });

  it('leaves out a week the organization did not live through, and mails nothing to an organization where nobody chose it', async () => {
    // every organization here was made this week: the last week's round mails nothing
    expect(await t.app.get(WeeklyDigestScheduler).runOnce()).toBe(0);
    expect(await t.env.scalar('select count(*) from weekly_digests where week_start < $1', [weekOf(new Date()).start.toISOString().slice(0, 10)])).toBe(0);
    // nobody in it chose the digest: nothing is claimed, so whoever opts in later still gets the week
    const { id: otherId } = await createOrganization(t, 'digest-other');
    expect(await t.app.get(CommandBus).execute(new SendWeeklyDigestCommand(systemActor('test'), otherId, weekOf(new Date())))).toBe(0);
    expect(await t.env.scalar('select count(*) from weekly_digests where organization_id = $1', [otherId])).toBe(0);
  });
});
