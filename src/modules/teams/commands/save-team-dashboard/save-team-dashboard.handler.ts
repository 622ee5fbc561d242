import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { NotFoundError } from '../../../../shared/domain-error';
import { parseDashboardLayout, type DashboardLayout } from '../../domain/dashboard-layout';
import { Team } from '../../domain/team.entity';
import { TeamAccess } from '../../infrastructure/team-access';
import { SaveTeamDashboardCommand } from './save-team-dashboard.command';

@CommandHandler(SaveTeamDashboardCommand)
export class SaveTeamDashboardHandler implements ICommandHandler<SaveTeamDashboardCommand, DashboardLayout> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly access: TeamAccess,
    private readonly clock: Clock,
  ) {}

  async execute(command: SaveTeamDashboardCommand): Promise<DashboardLayout> {
    const layout = parseDashboardLayout(command.layout);
    const organizationId = command.principal.organizationId;
    if (!(await this.uow.reader(organizationId).count(Team, { id: command.teamId, archivedAt: null }))) throw new NotFoundError('Team');
    await this.access.assert(command.principal, command.actor, command.teamId, 'manage_dashboard');
    const { result } = await this.uow.run({ actor: command.actor, organizationId }, async ({ em }) => {
      const team = await em.findOne(Team, { id: command.teamId, archivedAt: null });
      if (!team) throw new NotFoundError('Team');
      team.saveDashboard(layout, this.clock.now());
      return team.dashboard;
    });
    return result;
  }
}
