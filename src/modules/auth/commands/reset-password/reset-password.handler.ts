import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Revocations } from '../../../../infrastructure/security/revocations';
import { Clock } from '../../../../shared/clock';
import { NotFoundError } from '../../../../shared/domain-error';
import { UserAccounts } from '../../../users';
import { Session } from '../../domain/session.entity';
import { Challenges } from '../../infrastructure/challenges';
import { PasswordChanger } from '../../infrastructure/password-changer';
import { ResetPasswordCommand } from './reset-password.command';

@CommandHandler(ResetPasswordCommand)
export class ResetPasswordHandler implements ICommandHandler<ResetPasswordCommand, void> {
  private readonly logger = new Logger(ResetPasswordHandler.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserAccounts,
    private readonly challenges: Challenges,
    private readonly changer: PasswordChanger,
    private readonly revocations: Revocations,
    private readonly clock: Clock,
  ) {}

  async execute({ token, password, actor }: ResetPasswordCommand): Promise<void> {
    const probe = await this.challenges.find(this.uow.reader(null), token, 'password_reset');
    const profile = await this.users.findProfile(probe.organizationId, probe.userId);
    if (!profile || profile.status !== 'active') throw new NotFoundError('User');
    const prepared = await this.changer.prepare({ em: this.uow.reader(probe.organizationId) }, profile, password);
    const now = this.clock.now();
    await this.uow.run(
      { actor: { ...actor, type: 'user', id: profile.id, organizationId: profile.organizationId }, organizationId: profile.organizationId },
      async (context) => {
        (await this.challenges.find(context.em, token, 'password_reset')).use(now);
        await this.changer.apply(context, profile, prepared, 'reset');
        // whoever knew the old password is signed out everywhere
        const sessions = await context.em.find(Session, { userId: profile.id, revokedAt: null });
        sessions.forEach((session) => session.revoke('password_changed', now));
      },
    );
    await this.revocations
      .revokeUserTokens(profile.id, now.getTime())
      .catch((error: Error) => this.logger.error(`revocation mark not written (tokens expire on their own): ${error.message}`));
  }
}
