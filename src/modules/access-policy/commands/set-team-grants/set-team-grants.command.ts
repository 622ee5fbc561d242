import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';
import type { GrantView } from '../../queries/resource.view';

/** Replaces the grants a team holds (PUT /teams/:id/permissions). */
export class SetTeamGrantsCommand extends Command<GrantView[]> {
  constructor(
    readonly principal: Principal,
    readonly teamId: string,
    readonly grants: { resourceId: string; actions: string[]; expiresAt?: string }[],
    readonly actor: Actor,
  ) {
    super();
  }
}
