import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';

/** Takes a member out of a team; the team's grants stop reaching them on their next request. */
export class RemoveTeamMemberCommand extends Command<void> {
  constructor(
    readonly principal: Principal,
    readonly teamId: string,
    readonly userId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
