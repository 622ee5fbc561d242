import { Injectable } from '@nestjs/common';
import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import { MailOutbox } from '../../../infrastructure/mail/mail-outbox';
import { INVITATION_TEMPLATE } from '../../../infrastructure/mail/templates/invitation.template';
import type { Principal } from '../../../shared/principal';
import { PolicyStore } from '../../access-policy';
import { invitationAcceptPath, UserAccounts } from '../contracts/user-accounts';
import type { Invitation } from '../domain/invitation.entity';

/** Who is inviting, into which organization, for how long: resolved once per request (a batch too). */
export interface InvitingContext {
  organizationId: string;
  inviterUserId: string;
  inviterRole: string;
  inviterName: string | null;
  organizationName: string;
  ttlDays: number;
}

/** Queues invitation mails in the command's transaction, with what the template needs. */
@Injectable()
export class InvitationMailer {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly accounts: UserAccounts,
    private readonly policies: PolicyStore,
    private readonly mail: MailOutbox,
  ) {}

  async context(principal: Principal): Promise<InvitingContext> {
    const [inviter, policy, organizationName] = await Promise.all([
      this.accounts.findProfile(principal.organizationId, principal.userId),
      this.policies.get(principal.organizationId),
      this.organizationName(principal.organizationId),
    ]);
    return {
      organizationId: principal.organizationId,
      inviterUserId: principal.userId,
      inviterRole: principal.role,
      inviterName: inviter?.name ?? null,
      organizationName,
      ttlDays: policy.document.invitations.ttlDays,
    };
  }

  /** Queues the mail carrying `token`'s link; it is sent after the transaction commits. */
  async queue(context: CommandContext, inviting: InvitingContext, invitation: Invitation, to: string, token: string): Promise<void> {
    await this.queueMany(context, inviting, [{ invitation, to, token }]);
  }

  /** Queues one mail an invitation, in one statement; they are sent after the transaction commits. */
  async queueMany(context: CommandContext, inviting: InvitingContext, mails: { invitation: Invitation; to: string; token: string }[]): Promise<void> {
    await this.mail.enqueueMany(
      context,
      mails.map(({ invitation, to, token }) => ({
        organizationId: invitation.organizationId,
        template: INVITATION_TEMPLATE,
        to,
        data: {
          organizationName: inviting.organizationName,
          inviterName: inviting.inviterName,
          role: invitation.role,
          link: this.mail.link(invitationAcceptPath(token)),
          expiresAt: invitation.expiresAt.toISOString(),
        },
        subject: { type: 'invitation', id: invitation.id },
        events: { sent: 'invitation.sent', failed: 'invitation.delivery_failed' },
      })),
    );
  }

  /**
   * users may not import organizations (the module graph points down), so the one field the
   * mail needs is read lean from the organizations table.
   */
  private async organizationName(organizationId: string): Promise<string> {
    const [row] = await this.uow
      .reader(organizationId)
      .getConnection()
      .execute<{ name: string }[]>('select name from organizations where id = ?', [organizationId], 'all');
    return row?.name ?? 'your organization';
  }
}
