import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';

/** Ends the link between a user and their identity at the organization's IdP. */
export class UnlinkSamlIdentityCommand extends Command<void> {
  constructor(
    readonly organizationId: string,
    readonly userId: string,
    readonly identityId: string,
    readonly by: 'user' | 'admin',
    readonly actor: Actor,
  ) {
    super();
  }
}
