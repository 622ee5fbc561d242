import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';
import type { InvitationStatus } from '../../domain/invitation.entity';

/** An invitation as its sender sees it after inviting; `outcome` says whether a pending one was resent. */
export interface IssuedInvitation {
  id: string;
  email: string;
  role: string;
  status: InvitationStatus;
  expiresAt: Date;
  outcome: 'invited' | 'resent';
}

/** Invites one person by email into the caller's organization (or resends their pending invitation). */
export class InviteUserCommand extends Command<IssuedInvitation> {
  constructor(
    readonly principal: Principal,
    readonly email: string,
    readonly role: string,
    readonly teamIds: string[],
    readonly actor: Actor,
  ) {
    super();
  }
}
