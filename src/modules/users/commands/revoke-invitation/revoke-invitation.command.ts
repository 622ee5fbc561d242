import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';

/** The invitation's link stops working for good; the invited account stays, unable to accept. */
export class RevokeInvitationCommand extends Command<void> {
  constructor(
    readonly principal: Principal,
    readonly invitationId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
