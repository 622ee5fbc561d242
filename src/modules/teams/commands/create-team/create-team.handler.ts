import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { InvalidInputError } from '../../../../shared/domain-error';
import { IdGenerator } from '../../../../shared/ids';
import { TeamNameTakenError } from '../../domain/team-errors';
import { Team } from '../../domain/team.entity';
import { teamView, type TeamView } from '../../queries/team.view';
import { CreateTeamCommand } from './create-team.command';

@CommandHandler(CreateTeamCommand)
export class CreateTeamHandler implements ICommandHandler<CreateTeamCommand, TeamView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: CreateTeamCommand): Promise<TeamView> {
    const { principal, input } = command;
    try {
      const { result } = await this.uow.run({ actor: command.actor, organizationId: principal.organizationId }, async ({ em }) => {
        if (input.parentId && !(await em.findOne(Team, { id: input.parentId, archivedAt: null }))) {
          throw new InvalidInputError('TEAMS.UNKNOWN_PARENT', 'parentId', 'parentId names no active team of this organization');
        }
        const team = Team.create({ id: this.ids.uuid(), organizationId: principal.organizationId, ...input, name: input.name.trim(), now: this.clock.now() });
        em.persist(team);
        return team;
      });
      return teamView(result);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new TeamNameTakenError();
      throw error;
    }
  }
}
