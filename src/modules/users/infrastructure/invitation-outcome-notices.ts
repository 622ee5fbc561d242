import { Injectable } from '@nestjs/common';
import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';
import { MailOutbox } from '../../../infrastructure/mail/mail-outbox';
import { InAppNotifications } from '../../notifications';
import type { Invitation } from '../domain/invitation.entity';
import { UserAccounts } from '../contracts/user-accounts';
import { wantsNotice } from '../domain/profile';
import { INVITATION_OUTCOME_TEMPLATE, INVITEES_IN_MAIL, type InviteeLine } from './invitation-outcome.template';

/** An invitation that reached an outcome, and whom it invited (their email and name as they are now). */
export interface InvitationOutcome {
  invitation: Invitation;
  invitee: { email: string | null; name: string | null };
}

/**
 * Tells the people who sent invitations that they were accepted or expired, when they are
 * still active: by mail when their notification preference `invitationOutcomes` is on, in
 * their in-app feed when `inApp.invitationOutcomes` is (both are by default). One mail and one
 * notice an inviter for what one command settled (an acceptance, a sweep of expiries), in the
 * command's transaction, so each goes once and only if the outcome commits.
 */
@Injectable()
export class InvitationOutcomeNotices {
  constructor(
    private readonly accounts: UserAccounts,
    private readonly mail: MailOutbox,
    private readonly notices: InAppNotifications,
  ) {}

  async tell(context: CommandContext, organizationId: string, outcome: 'accepted' | 'expired', settled: readonly InvitationOutcome[]): Promise<void> {
    const byInviter = new Map<string, InvitationOutcome[]>();
    for (const item of settled) {
      const inviter = item.invitation.invitedBy;
      if (inviter && item.invitee.email) byInviter.set(inviter, [...(byInviter.get(inviter) ?? []), item]);
    }
    if (!byInviter.size) return;
    const inviters = [...byInviter.keys()];
    const lines = (inviterId: string) => {
      const items = byInviter.get(inviterId)!;
      const invitees: InviteeLine[] = items.slice(0, INVITEES_IN_MAIL).map(({ invitation, invitee }) => ({ email: invitee.email!, name: invitee.name, role: invitation.role }));
      return { invitees, more: items.length - invitees.length, subject: { type: 'invitation', id: items[0].invitation.id } };
    };
    // on the transaction's own connection: the command already holds one
    const reached = await this.accounts.activeUsersReached(organizationId, { within: context.em, among: inviters });
    const byMail = reached.filter((inviter) => wantsNotice(inviter.preferences, 'invitationOutcomes', 'email'));
    const inApp = reached.filter((inviter) => wantsNotice(inviter.preferences, 'invitationOutcomes', 'inApp'));
    await this.mail.enqueueMany(
      context,
      byMail.map((inviter) => {
        const { invitees, more, subject } = lines(inviter.id);
        return {
          organizationId,
          template: INVITATION_OUTCOME_TEMPLATE,
          to: inviter.email,
          data: { outcome, invitees, more },
          subject,
          events: { sent: 'invitation.outcome_mail_sent', failed: 'invitation.outcome_mail_failed' },
        };
      }),
    );
    await this.notices.deliver(
      context,
      organizationId,
      inApp.map((inviter) => {
        const { invitees, more, subject } = lines(inviter.id);
        return { userId: inviter.id, kind: 'invitation_outcome' as const, data: { outcome, invitees, more }, subject };
      }),
    );
  }
}
