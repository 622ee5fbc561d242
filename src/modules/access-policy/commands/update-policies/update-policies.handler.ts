import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { DomainError } from '../../../../shared/domain-error';
import type { VersionedPolicy } from '../../contracts/policy-store';
import { OrganizationPolicy } from '../../domain/organization-policy.entity';
import { parsePolicyDocument } from '../../domain/policy-document';
import { UpdatePoliciesCommand } from './update-policies.command';

@CommandHandler(UpdatePoliciesCommand)
export class UpdatePoliciesHandler implements ICommandHandler<UpdatePoliciesCommand, VersionedPolicy> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(command: UpdatePoliciesCommand): Promise<VersionedPolicy> {
    const document = parsePolicyDocument(command.document);
    const { result } = await this.uow.run({ actor: command.actor, organizationId: command.organizationId }, async ({ em }) => {
      const existing = await em.findOne(OrganizationPolicy, { organizationId: command.organizationId });
      const current = existing?.version ?? 0;
      if (command.expectedVersion !== undefined && command.expectedVersion !== current) {
        throw new DomainError('POLICIES.STALE', 'precondition_failed', `The policies changed since version ${command.expectedVersion}; read them again`);
      }
      if (existing) {
        existing.replace(document, this.clock.now());
        return existing;
      }
      const created = OrganizationPolicy.create(command.organizationId, document, this.clock.now());
      em.persist(created);
      return created;
    });
    return { document: result.document, version: result.version };
  }
}
