import { Injectable } from '@nestjs/common';
import type { Knex } from '@mikro-orm/postgresql';
import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';
import { MailOutbox } from '../../../infrastructure/mail/mail-outbox';
import { Clock } from '../../../shared/clock';
import { RoleCatalogue, type PermissionsOf } from '../../access-policy';
import { OrganizationDirectory } from '../../organizations';
import { UserAccounts } from '../../users';
import { ORGANIZATION_FIGURES, type DigestWeek, type OrganizationFigure, type OrganizationWeek } from '../domain/weekly-digest';
import { WEEKLY_DIGEST_TEMPLATE } from './weekly-digest.template';

const FIGURES = Object.entries(ORGANIZATION_FIGURES) as [OrganizationFigure, string][];

/** The organization's name, and whose roles may read the trail. */
export interface DigestSetting {
  organizationName: string;
  permissionsOf: PermissionsOf;
}

/**
 * Queues an organization's weekly digest for one week, in the command's transaction: a mail to
 * each active user whose preference `weeklyDigest` is on, with their own sign-ins and, for
 * holders of `audit:read`, the organization's week in counts (from `audit_log`). The week is
 * claimed first (`weekly_digests`), so it is mailed once however many workers try; with nobody
 * wanting it, nothing is claimed and a user who opts in later still gets it.
 */
@Injectable()
export class WeeklyDigestMail {
  constructor(
    private readonly accounts: UserAccounts,
    private readonly organizations: OrganizationDirectory,
    private readonly roles: RoleCatalogue,
    private readonly mail: MailOutbox,
    private readonly clock: Clock,
  ) {}

  /** Whether anyone in the organization chose the digest (read outside any transaction; `send` reads it again in its own). */
  async anyoneWants(organizationId: string): Promise<boolean> {
    return (await this.accounts.usersWanting(organizationId, 'weeklyDigest')).length > 0;
  }

  /**
   * What the digest's transaction needs that is read elsewhere: read before it begins, so the
   * transaction's work asks the pool for no second connection.
   */
  async prepare(organizationId: string): Promise<DigestSetting> {
    const [organization, permissionsOf] = await Promise.all([this.organizations.findById(organizationId), this.roles.permissionsOf(organizationId)]);
    return { organizationName: organization?.name ?? 'your organization', permissionsOf };
  }

  /** Answers how many users were mailed (0: nobody wants it, or the week went already). */
  async send(context: CommandContext, organizationId: string, week: DigestWeek, { organizationName, permissionsOf }: DigestSetting): Promise<number> {
    const { em } = context;
    const trx = em.getTransactionContext<Knex.Transaction>();
    const connection = em.getConnection();
    const recipients = await this.accounts.usersWanting(organizationId, 'weeklyDigest', { within: em });
    if (!recipients.length) return 0;
    const claimed = await connection.execute<{ organization_id: string }[]>(
      `insert into weekly_digests (organization_id, week_start, sent_at, recipients) values (?, ?, ?, ?)
       on conflict do nothing returning organization_id`,
      [organizationId, week.start.toISOString().slice(0, 10), this.clock.now(), recipients.length],
      'all',
      trx,
    );
    if (!claimed.length) return 0;

    const types = FIGURES.map(([, type]) => type);
    const counted = await connection.execute<{ type: string; n: string }[]>(
      `select type, count(*) as n from audit_log
        where organization_id = ? and occurred_at >= ? and occurred_at < ? and type in (${types.map(() => '?').join(', ')}) group by type`,
      [organizationId, week.start, week.end, ...types],
      'all',
      trx,
    );
    const byType = new Map(counted.map((row) => [row.type, Number(row.n)]));
    const [open] = await connection.execute<{ n: string }[]>(`select count(*) as n from security_alerts where organization_id = ? and status <> 'resolved'`, [organizationId], 'all', trx);
    const organization = Object.fromEntries([...FIGURES.map(([name, type]) => [name, byType.get(type) ?? 0]), ['openAlerts', Number(open.n)]]) as OrganizationWeek;
    const ids = recipients.map((recipient) => recipient.id);
    const signIns = await connection.execute<{ subject_id: string; n: string }[]>(
      `select subject_id, count(*) as n from audit_log
        where organization_id = ? and occurred_at >= ? and occurred_at < ? and type = 'auth.login_succeeded' and subject_id in (${ids.map(() => '?').join(', ')})
        group by subject_id`,
      [organizationId, week.start, week.end, ...ids],
      'all',
      trx,
    );
    const mine = new Map(signIns.map((row) => [row.subject_id, Number(row.n)]));

    await this.mail.enqueueMany(
      context,
      recipients.map((recipient) => ({
        organizationId,
        template: WEEKLY_DIGEST_TEMPLATE,
        to: recipient.email,
        data: {
          weekStart: week.start.toISOString(),
          weekEnd: week.end.toISOString(),
          organizationName,
          you: { signIns: mine.get(recipient.id) ?? 0 },
          organization: permissionsOf(recipient.role).includes('audit:read') ? organization : null,
        },
        subject: { type: 'organization', id: organizationId },
        events: { sent: 'audit.weekly_digest_mail_sent', failed: 'audit.weekly_digest_mail_failed' },
      })),
    );
    context.record({
      type: 'audit.weekly_digest_queued',
      organizationId,
      subject: { type: 'organization', id: organizationId },
      payload: { weekStart: week.start.toISOString(), recipients: recipients.length },
    });
    return recipients.length;
  }
}
