import { LockMode } from '@mikro-orm/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { PasswordHasher } from '../../../../infrastructure/security/password-hasher';
import { Clock } from '../../../../shared/clock';
import { AuthzVersions, PasswordRules, Ports } from '../../../access-policy';
import { TeamDirectory } from '../../contracts/team-directory';
import { InvitationUnusableError } from '../../domain/invitation.entity';
import { User } from '../../domain/user.entity';
import { findInvitationByToken } from '../../infrastructure/invitation-lookup';
import { InvitationOutcomeNotices } from '../../infrastructure/invitation-outcome-notices';
import { AcceptInvitationCommand, type AcceptedInvitation } from './accept-invitation.command';

@CommandHandler(AcceptInvitationCommand)
export class AcceptInvitationHandler implements ICommandHandler<AcceptInvitationCommand, AcceptedInvitation> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly passwords: PasswordHasher,
    private readonly passwordRules: PasswordRules,
    private readonly ports: Ports,
    private readonly versions: AuthzVersions,
    private readonly outcomeNotices: InvitationOutcomeNotices,
  ) {}

  async execute(command: AcceptInvitationCommand): Promise<AcceptedInvitation> {
    const probe = await findInvitationByToken(this.uow.reader(null), command.token);
    const reason = probe.unusableReason(this.clock.now());
    if (reason) throw new InvitationUnusableError(reason);
    await this.passwordRules.assertAcceptable(probe.organizationId, command.password, probe.emailNormalized);
    const passwordHash = await this.passwords.hash(command.password);
    const { result } = await this.uow.run(
      {
        // the invitee acts for themselves
        actor: { ...command.actor, type: 'user', id: probe.userId, organizationId: probe.organizationId },
        organizationId: probe.organizationId,
      },
      async (context) => {
        const { em } = context;
        // re-read inside the transaction, locked, so a token is accepted once even when raced
        const invitation = await findInvitationByToken(em, command.token);
        await em.lock(invitation, LockMode.PESSIMISTIC_WRITE);
        const user = await em.findOne(User, { id: invitation.userId });
        if (!user) throw new InvitationUnusableError('unknown');
        invitation.accept(this.clock.now());
        user.activate(command.name, passwordHash, this.clock.now());
        // the teams named on the invitation, those still active, joined in this same transaction
        if (invitation.teamIds.length) await this.ports.get(TeamDirectory).join(context, user.organizationId, user.id, invitation.teamIds);
        await this.outcomeNotices.tell(context, user.organizationId, 'accepted', [{ invitation, invitee: { email: user.email, name: user.name } }]);
        return { userId: user.id, organizationId: user.organizationId };
      },
    );
    await this.versions.bumpUsers([result.userId]);
    return result;
  }
}
