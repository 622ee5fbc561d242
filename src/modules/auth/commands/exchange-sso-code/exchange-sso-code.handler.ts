import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../../shared/domain-error';
import { UserAccounts } from '../../../users';
import { SignInCompletion, type MfaStep } from '../../infrastructure/sign-in-completion';
import { SsoState } from '../../infrastructure/sso/sso-state';
import type { TokenPair } from '../../infrastructure/token-issuer';
import { ExchangeSsoCodeCommand } from './exchange-sso-code.command';

export class InvalidSsoCodeError extends DomainError {
  constructor() {
    super('AUTH.INVALID_SSO_CODE', 'unauthenticated', 'The sign-in code is not valid (it works once, for 60 seconds)');
  }
}

/**
 * Spends the code (an atomic get-and-delete in Redis, so it works once, on any instance) and
 * ends the sign-in the one way every sign-in ends. The account is read again: one deactivated
 * in the seconds since the ACS gets nothing.
 */
@CommandHandler(ExchangeSsoCodeCommand)
export class ExchangeSsoCodeHandler implements ICommandHandler<ExchangeSsoCodeCommand, TokenPair | MfaStep> {
  constructor(
    private readonly state: SsoState,
    private readonly users: UserAccounts,
    private readonly completion: SignInCompletion,
  ) {}

  async execute(command: ExchangeSsoCodeCommand): Promise<TokenPair | MfaStep> {
    const grant = await this.state.redeemCode(command.code);
    if (!grant) throw new InvalidSsoCodeError();
    const user = await this.users.findProfile(grant.organizationId, grant.userId);
    if (!user || user.status !== 'active') throw new InvalidSsoCodeError();
    const candidate = {
      id: user.id,
      organizationId: user.organizationId,
      role: user.role,
      status: user.status,
      passwordHash: null,
      passwordChangedAt: null,
      createdAt: user.createdAt,
    };
    return this.completion.afterSso(command.actor, candidate, grant.mfaByIdp, { connectionId: grant.connectionId });
  }
}
