import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { MailOutbox } from '../../../../infrastructure/mail/mail-outbox';
import { RateLimits } from '../../../../infrastructure/security/rate-limits';
import { OrganizationDirectory } from '../../../organizations';
import { UserAccounts } from '../../../users';
import { Challenges } from '../../infrastructure/challenges';
import { LoginThrottle } from '../../infrastructure/login-throttle';
import { PASSWORD_RESET_TEMPLATE } from '../../infrastructure/password-reset.template';
import { RequestPasswordResetCommand } from './request-password-reset.command';

const RESET_MINUTES = 30;
/** At most a few reset mails an hour per account, so the form cannot be used to flood a mailbox. */
const RESET_MAILS_PER_HOUR = 3;

@CommandHandler(RequestPasswordResetCommand)
export class RequestPasswordResetHandler implements ICommandHandler<RequestPasswordResetCommand, void> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly organizations: OrganizationDirectory,
    private readonly users: UserAccounts,
    private readonly challenges: Challenges,
    private readonly mail: MailOutbox,
    private readonly throttle: LoginThrottle,
    private readonly limits: RateLimits,
  ) {}

  async execute({ organization: slug, email, actor }: RequestPasswordResetCommand): Promise<void> {
    const organization = await this.organizations.findBySlug(slug);
    if (!organization) return;
    const perAccount = this.limits.limit('reset-mails', { points: RESET_MAILS_PER_HOUR, durationSeconds: 3600 });
    if (!(await perAccount.consume(this.throttle.accountKey(organization.id, email))).allowed) return;
    const user = await this.users.findForSignIn(organization.id, email);
    const profile = user && user.status === 'active' && user.passwordHash ? await this.users.findProfile(organization.id, user.id) : null;
    await this.uow.run({ actor: { ...actor, organizationId: organization.id }, organizationId: organization.id }, async (context) => {
      context.record({
        type: 'auth.password_reset_requested',
        organizationId: organization.id,
        subject: { type: 'user', id: user?.id ?? null },
        payload: { sent: !!profile?.email },
      });
      if (!profile?.email) return;
      // only the newest link works
      await this.challenges.endAll(context.em, profile.id, ['password_reset']);
      const token = this.challenges.issue(context, { organizationId: organization.id, userId: profile.id, purpose: 'password_reset', ttlSeconds: RESET_MINUTES * 60 });
      await this.mail.enqueue(context, {
        organizationId: organization.id,
        template: PASSWORD_RESET_TEMPLATE,
        // the address on the account, never the one typed into the form
        to: profile.email,
        data: { organizationName: organization.name, link: this.mail.link(`/password/reset/${token}`), validMinutes: RESET_MINUTES },
        subject: { type: 'user', id: profile.id },
        events: { sent: 'auth.password_reset_mail_sent', failed: 'auth.password_reset_mail_failed' },
      });
    });
  }
}
