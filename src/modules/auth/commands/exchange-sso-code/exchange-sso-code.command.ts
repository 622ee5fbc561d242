import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { MfaStep } from '../../infrastructure/sign-in-completion';
import type { TokenPair } from '../../infrastructure/token-issuer';

/** POST /auth/sso/exchange: the ACS's one-time code for tokens (or the MFA step). */
export class ExchangeSsoCodeCommand extends Command<TokenPair | MfaStep> {
  constructor(
    readonly code: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
