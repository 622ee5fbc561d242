import { LockMode } from '@mikro-orm/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { systemActor } from '../../../../shared/actor';
import { Clock } from '../../../../shared/clock';
import { Invitation } from '../../domain/invitation.entity';
import { User } from '../../domain/user.entity';
import { InvitationOutcomeNotices } from '../../infrastructure/invitation-outcome-notices';
import { ExpireInvitationsCommand } from './expire-invitations.command';

@CommandHandler(ExpireInvitationsCommand)
export class ExpireInvitationsHandler implements ICommandHandler<ExpireInvitationsCommand, number> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly outcomeNotices: InvitationOutcomeNotices,
  ) {}

  async execute(command: ExpireInvitationsCommand): Promise<number> {
    const now = this.clock.now();
    // platform-level work: find the due invitations across organizations, then expire each
    // organization's in a transaction scoped to it (its events go to its own chain)
    const due = await this.uow
      .reader(null)
      .getConnection()
      .execute<{ id: string; organization_id: string }[]>(
        `select id, organization_id from invitations where status = 'pending' and expires_at <= ? order by expires_at limit ?`,
        [now, command.limit],
        'all',
      );
    const byOrganization = new Map<string, string[]>();
    for (const row of due) byOrganization.set(row.organization_id, [...(byOrganization.get(row.organization_id) ?? []), row.id]);
    let expired = 0;
    for (const [organizationId, ids] of byOrganization) {
      const { result } = await this.uow.run({ actor: systemActor(), organizationId }, async (context) => {
        const { em } = context;
        // skips rows another sweeper (or a resend) holds; they are settled there or on the next run
        const invitations = await em.find(
          Invitation,
          { id: { $in: ids }, status: 'pending', expiresAt: { $lte: now } },
          { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
        );
        for (const invitation of invitations) invitation.expire(now);
        if (!invitations.length) return 0;
        const invitees = new Map((await em.find(User, { id: { $in: invitations.map((invitation) => invitation.userId) } })).map((user) => [user.id, user]));
        await this.outcomeNotices.tell(
          context,
          organizationId,
          'expired',
          invitations.map((invitation) => ({ invitation, invitee: { email: invitees.get(invitation.userId)?.email ?? null, name: invitees.get(invitation.userId)?.name ?? null } })),
        );
        return invitations.length;
      });
      expired += result;
    }
    return expired;
  }
}
