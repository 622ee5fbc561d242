import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { InvalidInputError, NotFoundError } from '../../../../shared/domain-error';
import { TeamMemberships } from '../../contracts/team-memberships';
import { Resource } from '../../domain/resource.entity';
import { Ports } from '../../infrastructure/ports';
import { resourceView, type ResourceView } from '../../queries/resource.view';
import { UpdateResourceCommand } from './update-resource.command';

@CommandHandler(UpdateResourceCommand)
export class UpdateResourceHandler implements ICommandHandler<UpdateResourceCommand, ResourceView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ports: Ports,
    private readonly clock: Clock,
  ) {}

  async execute(command: UpdateResourceCommand): Promise<ResourceView> {
    const { principal, changes } = command;
    if (changes.teamId && !(await this.ports.get(TeamMemberships).isActiveTeam(principal.organizationId, changes.teamId))) {
      throw new InvalidInputError('RESOURCES.UNKNOWN_TEAM', 'teamId', 'teamId names no team of this organization');
    }
    const { result } = await this.uow.run({ actor: command.actor, organizationId: principal.organizationId }, async ({ em }) => {
      const resource = await em.findOne(Resource, { id: command.resourceId });
      if (!resource) throw new NotFoundError('Resource');
      resource.update(changes, this.clock.now());
      return resource;
    });
    return resourceView(result);
  }
}
