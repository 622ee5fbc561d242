import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';
import type { TeamView } from '../../queries/team.view';

/** Renames, describes or moves a team (a new parent, or null for the top level). */
export class UpdateTeamCommand extends Command<TeamView> {
  constructor(
    readonly principal: Principal,
    readonly teamId: string,
    readonly changes: { name?: string; description?: string | null; parentId?: string | null },
    readonly expectedVersion: number | undefined,
    readonly actor: Actor,
  ) {
    super();
  }
}
