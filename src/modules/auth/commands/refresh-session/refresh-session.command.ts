import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { TokenPair } from '../../infrastructure/token-issuer';

export class RefreshSessionCommand extends Command<TokenPair> {
  constructor(
    readonly refreshToken: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
