import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { InvalidInputError } from '../../../../shared/domain-error';
import { IdGenerator } from '../../../../shared/ids';
import { TeamMemberships } from '../../contracts/team-memberships';
import { ResourceTakenError } from '../../domain/access-errors';
import { Resource } from '../../domain/resource.entity';
import { Ports } from '../../infrastructure/ports';
import { resourceView, type ResourceView } from '../../queries/resource.view';
import { RegisterResourceCommand } from './register-resource.command';

@CommandHandler(RegisterResourceCommand)
export class RegisterResourceHandler implements ICommandHandler<RegisterResourceCommand, ResourceView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ports: Ports,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: RegisterResourceCommand): Promise<ResourceView> {
    const { principal, input } = command;
    if (input.teamId && !(await this.ports.get(TeamMemberships).isActiveTeam(principal.organizationId, input.teamId))) {
      throw new InvalidInputError('RESOURCES.UNKNOWN_TEAM', 'teamId', 'teamId names no team of this organization');
    }
    try {
      const { result } = await this.uow.run({ actor: command.actor, organizationId: principal.organizationId }, async ({ em }) => {
        const resource = Resource.register({ id: this.ids.uuid(), organizationId: principal.organizationId, ...input, now: this.clock.now() });
        em.persist(resource);
        return resource;
      });
      return resourceView(result);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new ResourceTakenError();
      throw error;
    }
  }
}
