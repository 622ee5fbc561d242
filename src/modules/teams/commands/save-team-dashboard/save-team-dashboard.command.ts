import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';
import type { DashboardLayout } from '../../domain/dashboard-layout';

/** Saves a team dashboard's layout (validated against its schema). */
export class SaveTeamDashboardCommand extends Command<DashboardLayout> {
  constructor(
    readonly principal: Principal,
    readonly teamId: string,
    readonly layout: unknown,
    readonly actor: Actor,
  ) {
    super();
  }
}
