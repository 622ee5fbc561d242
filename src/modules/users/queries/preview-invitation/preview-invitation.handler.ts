import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { InvitationUnusableError } from '../../domain/invitation.entity';
import { User } from '../../domain/user.entity';
import { findInvitationByToken } from '../../infrastructure/invitation-lookup';
import { PreviewInvitationQuery, type InvitationPreview } from './preview-invitation.query';

@QueryHandler(PreviewInvitationQuery)
export class PreviewInvitationHandler implements IQueryHandler<PreviewInvitationQuery, InvitationPreview> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(query: PreviewInvitationQuery): Promise<InvitationPreview> {
    const invitation = await findInvitationByToken(this.uow.reader(null), query.token);
    const reason = invitation.unusableReason(this.clock.now());
    if (reason) throw new InvitationUnusableError(reason);
    const em = this.uow.reader(invitation.organizationId);
    const [invitee, inviter] = await Promise.all([
      em.findOne(User, { id: invitation.userId }),
      invitation.invitedBy ? em.fork().findOne(User, { id: invitation.invitedBy }) : null,
    ]);
    return {
      organizationId: invitation.organizationId,
      email: invitee?.email ?? null,
      role: invitation.role,
      inviterName: inviter?.name ?? null,
      expiresAt: invitation.expiresAt,
    };
  }
}
