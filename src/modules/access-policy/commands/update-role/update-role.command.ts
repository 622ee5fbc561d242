import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';
import type { RoleView } from '../../queries/role.view';

export class UpdateRoleCommand extends Command<RoleView> {
  constructor(
    readonly principal: Principal,
    readonly roleId: string,
    readonly changes: { description?: string | null; permissions?: string[] },
    readonly actor: Actor,
  ) {
    super();
  }
}
