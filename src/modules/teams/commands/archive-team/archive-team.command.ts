import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';

/** Archives a team: its grants stop reaching its members; its history stays. */
export class ArchiveTeamCommand extends Command<void> {
  constructor(
    readonly principal: Principal,
    readonly teamId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
