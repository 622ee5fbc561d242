import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { ForbiddenError, NotFoundError } from '../../../../shared/domain-error';
import { UserAccounts } from '../../../users';
import { PasswordChanger } from '../../infrastructure/password-changer';
import { Reverification } from '../../infrastructure/reverification';
import { RevokeSessionsCommand } from '../revoke-sessions/revoke-sessions.command';
import { ChangePasswordCommand } from './change-password.command';

@CommandHandler(ChangePasswordCommand)
export class ChangePasswordHandler implements ICommandHandler<ChangePasswordCommand, void> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserAccounts,
    private readonly reverification: Reverification,
    private readonly changer: PasswordChanger,
    private readonly commands: CommandBus,
  ) {}

  async execute({ principal, currentPassword, newPassword, actor }: ChangePasswordCommand): Promise<void> {
    if (principal.apiKeyId) throw new ForbiddenError('AUTH.SESSION_REQUIRED', 'Sign in to change your password; an API key cannot');
    const profile = await this.users.findProfile(principal.organizationId, principal.userId);
    if (!profile) throw new NotFoundError('User');
    await this.reverification.assertPassword(principal, currentPassword, 'currentPassword', actor);
    const prepared = await this.changer.prepare({ em: this.uow.reader(principal.organizationId) }, profile, newPassword, 'newPassword');
    await this.uow.run({ actor, organizationId: principal.organizationId }, (context) => this.changer.apply(context, profile, prepared, 'change'));
    await this.commands.execute(
      new RevokeSessionsCommand(
        { organizationId: principal.organizationId, userId: principal.userId, exceptSessionId: principal.sessionId ?? undefined },
        'password_changed',
        actor,
      ),
    );
  }
}
