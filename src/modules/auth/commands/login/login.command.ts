import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { TokenPair } from '../../infrastructure/token-issuer';

export class LoginCommand extends Command<TokenPair> {
  constructor(
    readonly organization: string,
    readonly email: string,
    readonly password: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
