import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { NotFoundError } from '../../../../shared/domain-error';
import { Resource } from '../../domain/resource.entity';
import { ResourceGrant } from '../../domain/resource-grant.entity';
import { AuthzVersions } from '../../infrastructure/authz-versions';
import { DeleteResourceCommand } from './delete-resource.command';

@CommandHandler(DeleteResourceCommand)
export class DeleteResourceHandler implements ICommandHandler<DeleteResourceCommand, void> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly versions: AuthzVersions,
  ) {}

  async execute(command: DeleteResourceCommand): Promise<void> {
    const organizationId = command.principal.organizationId;
    await this.uow.run({ actor: command.actor, organizationId }, async (context) => {
      const resource = await context.em.findOne(Resource, { id: command.resourceId });
      if (!resource) throw new NotFoundError('Resource');
      await context.em.nativeDelete(ResourceGrant, { resourceId: resource.id });
      context.record(resource.deletedEvent());
      context.em.remove(resource);
    });
    await this.versions.bumpOrganization(organizationId);
  }
}
