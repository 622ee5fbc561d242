import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { DomainError } from '../../../../shared/domain-error';
import { IdGenerator } from '../../../../shared/ids';
import { MailOutbox } from '../../../../infrastructure/mail/mail-outbox';
import { INVITATION_TEMPLATE } from '../../../../infrastructure/mail/templates/invitation.template';
import { invitationAcceptPath, PlatformOperators, UserAccounts } from '../../../users';
import { Organization } from '../../domain/organization.entity';
import { CreateOrganizationCommand, type CreatedOrganization } from './create-organization.command';

/**
 * Creates a tenant and its first Administrator in one transaction; an Administrator without
 * a password is invited by mail, the mail queued in that same transaction.
 */
@CommandHandler(CreateOrganizationCommand)
export class CreateOrganizationHandler implements ICommandHandler<CreateOrganizationCommand, CreatedOrganization> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserAccounts,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly mail: MailOutbox,
    private readonly operators: PlatformOperators,
  ) {}

  async execute(command: CreateOrganizationCommand): Promise<CreatedOrganization> {
    const id = this.ids.uuid();
    const { requestedBy } = command.options;
    const inviter = requestedBy ? await this.users.findProfile(requestedBy.organizationId, requestedBy.userId) : null;
    try {
      const { result } = await this.uow.run({ actor: command.actor, organizationId: id }, async (context) => {
        // only the platform itself (bootstrap) or an operator by a grant held now, not a token's say-so
        if (command.actor.type !== 'system') await this.operators.assertOperator(context.em, requestedBy ?? null);
        const organization = Organization.create({
          id,
          slug: command.slug,
          name: command.name,
          now: this.clock.now(),
          createdBy: command.actor.id,
        });
        context.em.persist(organization);
        const admin = this.users.registerAdministrator(context, {
          organizationId: id,
          email: command.adminEmail,
          passwordHash: command.options.adminPasswordHash ?? null,
          platformOperator: command.options.platformOperator ?? false,
          invitedBy: requestedBy?.userId ?? null,
          via: command.options.via ?? 'organization_created',
        });
        if (admin.invitationToken && command.options.sendInvitation !== false) {
          await this.mail.enqueue(context, {
            organizationId: id,
            template: INVITATION_TEMPLATE,
            to: command.adminEmail,
            data: {
              organizationName: organization.name,
              inviterName: inviter?.name ?? null,
              role: 'Administrator',
              link: this.mail.link(invitationAcceptPath(admin.invitationToken)),
              expiresAt: admin.invitationExpiresAt!.toISOString(),
            },
            subject: { type: 'user', id: admin.userId },
            events: { sent: 'invitation.sent', failed: 'invitation.delivery_failed' },
          });
        }
        return { id, slug: organization.slug, name: organization.name, adminUserId: admin.userId, invitationToken: admin.invitationToken };
      });
      return result;
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new DomainError('ORGANIZATIONS.SLUG_TAKEN', 'conflict', `The slug "${command.slug}" is taken`, [
          { field: 'slug', message: 'is taken' },
        ]);
      }
      throw error;
    }
  }
}
