import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';

export class RevokeApiKeyCommand extends Command<void> {
  constructor(
    readonly organizationId: string,
    readonly ownerId: string,
    readonly apiKeyId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
