import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { DomainError } from '../../../../shared/domain-error';
import { AccessGate } from '../../contracts/access-gate';
import { PolicyStore, type VersionedPolicy } from '../../contracts/policy-store';
import { describeRefusal } from '../../domain/access-evaluation';
import { OrganizationPolicy } from '../../domain/organization-policy.entity';
import { SelfLockoutError } from '../../domain/self-lockout.error';
import { parsePolicyDocument } from '../../domain/policy-document';
import { UpdatePoliciesCommand } from './update-policies.command';

@CommandHandler(UpdatePoliciesCommand)
export class UpdatePoliciesHandler implements ICommandHandler<UpdatePoliciesCommand, VersionedPolicy> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly gate: AccessGate,
    private readonly policies: PolicyStore,
  ) {}

  async execute(command: UpdatePoliciesCommand): Promise<VersionedPolicy> {
    const document = parsePolicyDocument(command.document);
    // the administrator's own address and the current time, judged by the new document
    const { decision } = await this.gate.decide(
      { organizationId: command.organizationId, userId: command.caller.userId, role: command.caller.role, ip: command.actor.ip },
      document,
    );
    const locksOut = !decision.allowed;
    if (locksOut && !command.confirmSelfLockout) {
      throw new SelfLockoutError(decision.rule?.policy ?? 'body', describeRefusal(document, decision, command.actor.ip));
    }
    const { result } = await this.uow.run({ actor: command.actor, organizationId: command.organizationId }, async ({ em }) => {
      const existing = await em.findOne(OrganizationPolicy, { organizationId: command.organizationId });
      const current = existing?.version ?? 0;
      if (command.expectedVersion !== undefined && command.expectedVersion !== current) {
        throw new DomainError('POLICIES.STALE', 'precondition_failed', `The policies changed since version ${command.expectedVersion}; read them again`);
      }
      if (existing) {
        existing.replace(document, this.clock.now(), { selfLockoutConfirmed: locksOut });
        return existing;
      }
      const created = OrganizationPolicy.create(command.organizationId, document, this.clock.now(), { selfLockoutConfirmed: locksOut });
      em.persist(created);
      return created;
    });
    await this.policies.changed(command.organizationId);
    return { document: result.document, version: result.version };
  }
}
