import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { MailOutbox } from '../../../../infrastructure/mail/mail-outbox';
import { Clock } from '../../../../shared/clock';
import { NotFoundError } from '../../../../shared/domain-error';
import { OrganizationDirectory } from '../../../organizations';
import { UserAccounts } from '../../../users';
import { Challenges } from '../../infrastructure/challenges';
import { Mfa } from '../../infrastructure/mfa';
import { MFA_RESET_TEMPLATE } from '../../infrastructure/mfa-reset.template';
import { ResetUserMfaCommand } from './reset-user-mfa.command';

@CommandHandler(ResetUserMfaCommand)
export class ResetUserMfaHandler implements ICommandHandler<ResetUserMfaCommand, void> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly mfa: Mfa,
    private readonly challenges: Challenges,
    private readonly users: UserAccounts,
    private readonly organizations: OrganizationDirectory,
    private readonly mail: MailOutbox,
    private readonly clock: Clock,
  ) {}

  async execute({ user, actor }: ResetUserMfaCommand): Promise<void> {
    const profile = await this.users.findProfile(user.organizationId, user.userId);
    if (!profile) throw new NotFoundError('User');
    const organization = await this.organizations.findById(user.organizationId);
    await this.uow.run({ actor, organizationId: user.organizationId }, async (context) => {
      const removed = await this.mfa.remove(context.em, user.userId);
      // a second step begun before the reset belongs to the factor that is gone
      const endedChallenges = await this.challenges.endAll(context.em, user.userId, ['mfa_verify', 'mfa_enroll']);
      context.record({
        type: 'mfa.reset',
        organizationId: user.organizationId,
        subject: { type: 'user', id: user.userId },
        payload: { hadMfa: removed, endedChallenges, severity: 'medium' },
      });
      if (profile.email) {
        await this.mail.enqueue(context, {
          organizationId: user.organizationId,
          template: MFA_RESET_TEMPLATE,
          to: profile.email,
          data: { organizationName: organization?.name ?? 'your organization', at: this.clock.now().toISOString() },
          subject: { type: 'user', id: user.userId },
          events: { sent: 'mfa.reset_notice_sent', failed: 'mfa.reset_notice_failed' },
        });
      }
    });
  }
}
