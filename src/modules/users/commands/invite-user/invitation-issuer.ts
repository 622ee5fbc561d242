import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable, Logger } from '@nestjs/common';
import type { CommandContext } from '../../../../infrastructure/event-store/unit-of-work';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { hashToken } from '../../../../infrastructure/security/token-hash';
import type { Actor } from '../../../../shared/actor';
import { Clock } from '../../../../shared/clock';
import { DomainError } from '../../../../shared/domain-error';
import { IdGenerator } from '../../../../shared/ids';
import { Invitation } from '../../domain/invitation.entity';
import { AlreadyMemberError } from '../../domain/invitation-rules';
import { normalizeEmail, User } from '../../domain/user.entity';
import { InvitationMailer, type InvitingContext } from '../../infrastructure/invitation-mailer';
import type { IssuedInvitation } from './invite-user.command';

export interface Invitee {
  email: string;
  role: string;
  /** Teams joined on accepting (checked by the caller). */
  teamIds?: string[];
}

type InvitationMail = { invitation: Invitation; to: string; token: string };

/** A row's outcome: the invitation, or why this person was not invited (nothing was changed for them). */
export type IssueOutcome = IssuedInvitation | DomainError;

/**
 * Invites people: a new account in status `invited` with a single-use link, or, for someone
 * already waiting on an invitation, a new link for it; the mail is queued in the same
 * transaction. Callers have checked the roles against the inviter's and removed duplicates.
 */
@Injectable()
export class InvitationIssuer {
  private readonly logger = new Logger(InvitationIssuer.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly mailer: InvitationMailer,
  ) {}

  /** One person, in a transaction of its own; throws the refusal. */
  async issue(inviting: InvitingContext, invitee: Invitee, actor: Actor): Promise<IssuedInvitation> {
    let outcome: IssueOutcome;
    try {
      [outcome] = await this.inTransaction(inviting, [invitee], actor);
    } catch (error) {
      // the same address invited concurrently: the other request created the account, so this one resends
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      try {
        [outcome] = await this.inTransaction(inviting, [invitee], actor);
      } catch (again) {
        if (again instanceof UniqueConstraintViolationException) throw new AlreadyMemberError();
        throw again;
      }
    }
    if (outcome instanceof DomainError) throw outcome;
    return outcome;
  }

  /**
   * Several people (distinct addresses) in one transaction, as a refused person changes
   * nothing; should the transaction fail as a whole (say, one address was invited
   * concurrently), each person is retried in a transaction of their own. Answers in order.
   */
  async issueMany(inviting: InvitingContext, invitees: Invitee[], actor: Actor): Promise<IssueOutcome[]> {
    try {
      return await this.inTransaction(inviting, invitees, actor);
    } catch (error) {
      this.logger.debug(`invitations retried one by one: ${(error as Error).message}`);
    }
    const outcomes: IssueOutcome[] = [];
    for (const invitee of invitees) {
      try {
        outcomes.push(await this.issue(inviting, invitee, actor));
      } catch (error) {
        outcomes.push(this.refusal(error));
      }
    }
    return outcomes;
  }

  private refusal(error: unknown): DomainError {
    if (error instanceof DomainError) return error;
    this.logger.error({ err: error }, 'an invitation failed');
    return new DomainError('COMMON.INTERNAL', 'unavailable', 'this invitation could not be processed; send it again');
  }

  private async inTransaction(inviting: InvitingContext, invitees: Invitee[], actor: Actor): Promise<IssueOutcome[]> {
    const { result } = await this.uow.run({ actor, organizationId: inviting.organizationId }, async (context) => {
      const { em } = context;
      const now = this.clock.now();
      const keys = invitees.map((invitee) => normalizeEmail(invitee.email));
      const existing = new Map(
        (await em.find(User, { emailNormalized: { $in: keys }, status: { $ne: 'removed' } })).map((user) => [user.emailNormalized!, user]),
      );
      const waiting = [...existing.values()].filter((user) => user.status === 'invited');
      const open = new Map<string, Invitation>();
      if (waiting.length) {
        const invitations = await em.find(
          Invitation,
          { userId: { $in: waiting.map((user) => user.id) }, status: { $in: ['pending', 'expired'] } },
          { orderBy: { createdAt: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE },
        );
        for (const invitation of invitations) open.set(invitation.userId, invitation); // the newest wins
      }
      const outcomes: IssueOutcome[] = [];
      const mails: InvitationMail[] = [];
      for (const [index, invitee] of invitees.entries()) {
        const user = existing.get(keys[index]);
        outcomes.push(this.inviteOne(context, inviting, invitee, keys[index], user, user ? open.get(user.id) : undefined, now, mails));
      }
      // every mail of the transaction in one statement
      await this.mailer.queueMany(context, inviting, mails);
      return outcomes;
    });
    return result;
  }

  /** Invites one person in the transaction; the mail to queue is added to `mails`. */
  private inviteOne(
    context: CommandContext,
    inviting: InvitingContext,
    invitee: Invitee,
    emailNormalized: string,
    existing: User | undefined,
    open: Invitation | undefined,
    now: Date,
    mails: InvitationMail[],
  ): IssueOutcome {
    if (existing && existing.status !== 'invited') return new AlreadyMemberError();
    const token = this.ids.secret(32);
    let user: User;
    let invitation: Invitation;
    let outcome: IssuedInvitation['outcome'];
    if (existing && open) {
      if (open.role !== invitee.role) {
        const message = `an invitation as ${open.role} is pending for this email; revoke it to invite as ${invitee.role}`;
        return new DomainError('INVITATIONS.PENDING_WITH_OTHER_ROLE', 'conflict', `Not invited: ${message}`, [{ field: 'role', message }]);
      }
      open.resend({ tokenHash: hashToken(token), now, ttlDays: inviting.ttlDays });
      if (invitee.teamIds?.length) open.teamIds = [...new Set([...open.teamIds, ...invitee.teamIds])];
      user = existing;
      invitation = open;
      outcome = 'resent';
    } else {
      if (existing) {
        // invited before, but that invitation was revoked: a new one, possibly for another role
        existing.changeRole(invitee.role, now);
        user = existing;
      } else {
        user = User.register({
          id: this.ids.uuid(),
          organizationId: inviting.organizationId,
          email: invitee.email,
          role: invitee.role,
          passwordHash: null,
          now,
          via: 'invitation',
        });
        context.em.persist(user);
      }
      invitation = Invitation.issue({
        id: this.ids.uuid(),
        organizationId: inviting.organizationId,
        userId: user.id,
        emailNormalized,
        role: invitee.role,
        tokenHash: hashToken(token),
        invitedBy: inviting.inviterUserId,
        now,
        ttlDays: inviting.ttlDays,
      });
      invitation.teamIds = invitee.teamIds ?? [];
      context.em.persist(invitation);
      outcome = 'invited';
    }
    const to = user.email ?? invitee.email;
    mails.push({ invitation, to, token });
    return { id: invitation.id, email: to, role: invitation.role, status: invitation.status, expiresAt: invitation.expiresAt, outcome };
  }
}
