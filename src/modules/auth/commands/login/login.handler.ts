import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { PasswordHasher } from '../../../../infrastructure/security/password-hasher';
import { OrganizationDirectory } from '../../../organizations';
import { UserAccounts } from '../../../users';
import { InvalidCredentialsError } from '../../domain/invalid-credentials.error';
import { SessionStarter } from '../../infrastructure/session-starter';
import type { TokenPair } from '../../infrastructure/token-issuer';
import { LoginCommand } from './login.command';

/**
 * Password sign-in. Unknown organization, unknown email, wrong password and an inactive
 * account all take one argon2 verify and give one answer; every attempt in a known
 * organization is an event, with the reason kept for auditors only.
 */
@CommandHandler(LoginCommand)
export class LoginHandler implements ICommandHandler<LoginCommand, TokenPair> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly organizations: OrganizationDirectory,
    private readonly users: UserAccounts,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionStarter,
  ) {}

  async execute(command: LoginCommand): Promise<TokenPair> {
    const organization = await this.organizations.findBySlug(command.organization);
    const candidate = organization ? await this.users.findForSignIn(organization.id, command.email) : null;
    const passwordOk = await this.passwords.verify(candidate?.passwordHash ?? null, command.password);
    if (!organization) throw new InvalidCredentialsError();
    const actor = { ...command.actor, organizationId: organization.id };

    if (!candidate || !passwordOk || candidate.status !== 'active') {
      const reason = !candidate ? 'unknown_user' : candidate.status !== 'active' ? `account_${candidate.status}` : 'bad_password';
      await this.uow.run({ actor, organizationId: organization.id }, async (context) => {
        context.record({
          type: 'auth.login_failed',
          organizationId: organization.id,
          subject: { type: 'user', id: candidate?.id ?? null },
          payload: { method: 'password', reason },
        });
      });
      throw new InvalidCredentialsError();
    }

    return this.sessions.start(command.actor, candidate, 'password');
  }
}
