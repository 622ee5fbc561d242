import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';

export interface AcceptedInvitation {
  userId: string;
  organizationId: string;
}

export class AcceptInvitationCommand extends Command<AcceptedInvitation> {
  constructor(
    readonly token: string,
    readonly name: string,
    readonly password: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
