import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';
import type { TeamView } from '../../queries/team.view';

export class CreateTeamCommand extends Command<TeamView> {
  constructor(
    readonly principal: Principal,
    readonly input: { name: string; description: string | null; parentId: string | null },
    readonly actor: Actor,
  ) {
    super();
  }
}
