import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';

export interface TeamMembershipView {
  teamId: string;
  userId: string;
  lead: boolean;
  joinedAt: Date;
  created: boolean;
}

/** Adds a member, or changes whether they lead (leads are named by team managers only). */
export class PutTeamMemberCommand extends Command<TeamMembershipView> {
  constructor(
    readonly principal: Principal,
    readonly teamId: string,
    readonly userId: string,
    readonly lead: boolean,
    readonly actor: Actor,
  ) {
    super();
  }
}
