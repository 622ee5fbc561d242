import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';

export class DeleteRoleCommand extends Command<{ reassignedUsers: number }> {
  constructor(
    readonly principal: Principal,
    readonly roleId: string,
    /** The role its holders get instead; required while anyone holds it. */
    readonly replacement: string | undefined,
    readonly actor: Actor,
  ) {
    super();
  }
}
