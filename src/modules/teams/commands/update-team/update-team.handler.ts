import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { DomainError, InvalidInputError, NotFoundError } from '../../../../shared/domain-error';
import { AuthzVersions } from '../../../access-policy';
import { TeamCycleError, TeamNameTakenError } from '../../domain/team-errors';
import { Team } from '../../domain/team.entity';
import { lockHierarchy } from '../../infrastructure/hierarchy-lock';
import { teamView, type TeamView } from '../../queries/team.view';
import { UpdateTeamCommand } from './update-team.command';

@CommandHandler(UpdateTeamCommand)
export class UpdateTeamHandler implements ICommandHandler<UpdateTeamCommand, TeamView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly versions: AuthzVersions,
    private readonly clock: Clock,
  ) {}

  async execute(command: UpdateTeamCommand): Promise<TeamView> {
    const { principal, changes } = command;
    const organizationId = principal.organizationId;
    const teamId = command.teamId.toLowerCase();
    try {
      const { result } = await this.uow.run({ actor: command.actor, organizationId }, async ({ em }) => {
        // moves are serialized per organization, so two crossing moves cannot make a cycle
        if (changes.parentId !== undefined) await lockHierarchy(em, organizationId);
        const team = await em.findOne(Team, { id: teamId });
        if (!team) throw new NotFoundError('Team');
        if (command.expectedVersion !== undefined && command.expectedVersion !== team.version) {
          throw new DomainError('TEAMS.STALE', 'precondition_failed', `The team changed since version ${command.expectedVersion}; read it again`);
        }
        const parentId = changes.parentId === undefined ? undefined : (changes.parentId?.toLowerCase() ?? null);
        if (parentId) {
          let cursor: string | null = parentId;
          for (let depth = 0; cursor; depth++) {
            if (cursor === team.id || depth > 64) throw new TeamCycleError();
            const above: Team | null = await em.findOne(Team, { id: cursor });
            if (!above || (cursor === parentId && above.archived)) {
              throw new InvalidInputError('TEAMS.UNKNOWN_PARENT', 'parentId', 'parentId names no active team of this organization');
            }
            cursor = above.parentId;
          }
        }
        const changed = team.update({ name: changes.name?.trim(), description: changes.description, parentId }, this.clock.now());
        return { team, moved: changed.includes('parentId') };
      });
      // a move changes which departments' grants reach the team's members
      if (result.moved) await this.versions.bumpOrganization(organizationId);
      return teamView(result.team);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new TeamNameTakenError();
      throw error;
    }
  }
}
