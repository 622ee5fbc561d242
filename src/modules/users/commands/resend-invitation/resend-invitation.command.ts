import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';
import type { IssuedInvitation } from '../invite-user/invite-user.command';

/** Sends a new link for a pending or expired invitation; the old link stops working. */
export class ResendInvitationCommand extends Command<IssuedInvitation> {
  constructor(
    readonly principal: Principal,
    readonly invitationId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
