import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { NotFoundError } from '../../../../shared/domain-error';
import { AuthzVersions } from '../../../access-policy';
import { TeamHasChildrenError } from '../../domain/team-errors';
import { Team } from '../../domain/team.entity';
import { lockHierarchy } from '../../infrastructure/hierarchy-lock';
import { ArchiveTeamCommand } from './archive-team.command';

@CommandHandler(ArchiveTeamCommand)
export class ArchiveTeamHandler implements ICommandHandler<ArchiveTeamCommand, void> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly versions: AuthzVersions,
    private readonly clock: Clock,
  ) {}

  async execute(command: ArchiveTeamCommand): Promise<void> {
    const organizationId = command.principal.organizationId;
    await this.uow.run({ actor: command.actor, organizationId }, async ({ em }) => {
      await lockHierarchy(em, organizationId);
      const team = await em.findOne(Team, { id: command.teamId });
      if (!team) throw new NotFoundError('Team');
      if (await em.count(Team, { parentId: team.id, archivedAt: null })) throw new TeamHasChildrenError();
      team.archive(this.clock.now());
    });
    await this.versions.bumpOrganization(organizationId);
  }
}
