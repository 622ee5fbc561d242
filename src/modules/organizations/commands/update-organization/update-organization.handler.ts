import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { DomainError, NotFoundError } from '../../../../shared/domain-error';
import { summary, type OrganizationSummary } from '../../contracts/organization-directory';
import { Organization } from '../../domain/organization.entity';
import { UpdateOrganizationCommand } from './update-organization.command';

@CommandHandler(UpdateOrganizationCommand)
export class UpdateOrganizationHandler implements ICommandHandler<UpdateOrganizationCommand, OrganizationSummary> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(command: UpdateOrganizationCommand): Promise<OrganizationSummary> {
    const { organizationId, changes } = command;
    try {
      const { result } = await this.uow.run({ actor: command.actor, organizationId }, async ({ em }) => {
        const organization = await em.findOne(Organization, { id: organizationId });
        if (!organization) throw new NotFoundError('Organization');
        if (command.expectedVersion !== undefined && command.expectedVersion !== organization.version) {
          throw new DomainError('ORGANIZATIONS.STALE', 'precondition_failed', `The organization changed since version ${command.expectedVersion}; read it again`);
        }
        organization.update(changes, command.actor.id, this.clock.now());
        return organization;
      });
      return summary(result);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new DomainError('ORGANIZATIONS.SLUG_TAKEN', 'conflict', `The slug "${changes.slug}" is taken`, [{ field: 'slug', message: 'is taken' }]);
      }
      throw error;
    }
  }
}
