import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable, Logger } from '@nestjs/common';
import type { CommandContext } from '../../../../infrastructure/event-store/unit-of-work';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { hashToken } from '../../../../infrastructure/security/token-hash';
import type { Actor } from '../../../../shared/actor';
import { Clock } from '../../../../shared/clock';
import { DomainError } from '../../../../shared/domain-error';
import { pullEvents } from '../../../../shared/domain-event';
import { IdGenerator } from '../../../../shared/ids';
import { Invitation } from '../../domain/invitation.entity';
import { AlreadyMemberError } from '../../domain/invitation-rules';
import { normalizeEmail, User } from '../../domain/user.entity';
import { InvitationMailer, type InvitingContext } from '../../infrastructure/invitation-mailer';
import { insertInvitedAccounts, type InvitedAccount } from './invited-accounts';
import type { IssuedInvitation } from './invite-user.command';

export interface Invitee {
  email: string;
  role: string;
  /** Teams joined on accepting (checked by the caller). */
  teamIds?: string[];
}

type InvitationMail = { invitation: Invitation; to: string; token: string };

type InvitationDraft = InvitedAccount & { token: string };

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
      const now = this.clock.now();
      const keys = invitees.map((invitee) => normalizeEmail(invitee.email));
      const known = await this.accounts(context, keys);
      // people new to the organization: written set-wise; an address another transaction took
      // in the meantime is treated as the account it now is (read after that transaction ended)
      const drafts = new Map<number, InvitationDraft>();
      for (const [index, invitee] of invitees.entries()) {
        if (!known.users.has(keys[index])) drafts.set(index, this.draft(inviting, invitee, keys[index], now));
      }
      const written = await insertInvitedAccounts(context, [...drafts.values()]);
      const taken = [...drafts].filter(([, draft]) => !written.has(draft.user.id)).map(([index]) => keys[index]);
      if (taken.length) {
        const meanwhile = await this.accounts(context, taken);
        for (const [key, user] of meanwhile.users) known.users.set(key, user);
        for (const [userId, invitation] of meanwhile.open) known.open.set(userId, invitation);
      }
      const outcomes: IssueOutcome[] = [];
      const mails: InvitationMail[] = [];
      for (const [index, invitee] of invitees.entries()) {
        const draft = drafts.get(index);
        if (draft && written.has(draft.user.id)) {
          // its events in row order, as the ORM path records them (account first, then invitation)
          for (const aggregate of [draft.user, draft.invitation]) for (const { event } of pullEvents(aggregate)) context.record(event);
          mails.push({ invitation: draft.invitation, to: draft.user.email ?? invitee.email, token: draft.token });
          outcomes.push(issued(draft.invitation, draft.user.email ?? invitee.email, 'invited'));
          continue;
        }
        if (draft) for (const aggregate of [draft.user, draft.invitation]) pullEvents(aggregate); // not written: its events are void
        const user = known.users.get(keys[index]);
        // taken by a transaction that then removed it (no live account left): refused as before
        if (!user) {
          outcomes.push(new AlreadyMemberError());
          continue;
        }
        outcomes.push(this.inviteOne(context, inviting, invitee, keys[index], user, known.open.get(user.id), now, mails));
      }
      // every mail of the transaction in one statement
      await this.mailer.queueMany(context, inviting, mails);
      return outcomes;
    });
    return result;
  }

  /** The live accounts of these addresses, and the open invitation of each one still invited (locked). */
  private async accounts(context: CommandContext, keys: string[]): Promise<{ users: Map<string, User>; open: Map<string, Invitation> }> {
    const { em } = context;
    const users = new Map(
      (await em.find(User, { emailNormalized: { $in: keys }, status: { $ne: 'removed' } })).map((user) => [user.emailNormalized!, user]),
    );
    const waiting = [...users.values()].filter((user) => user.status === 'invited');
    const open = new Map<string, Invitation>();
    if (waiting.length) {
      const invitations = await em.find(
        Invitation,
        { userId: { $in: waiting.map((user) => user.id) }, status: { $in: ['pending', 'expired'] } },
        // locked in one total order (a batch's invitations share created_at): two batches that
        // overlap then queue on each other instead of deadlocking
        { orderBy: { createdAt: 'asc', id: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      for (const invitation of invitations) open.set(invitation.userId, invitation); // the newest wins
    }
    return { users, open };
  }

  /** A new account and its invitation, built (and their events recorded) by the aggregates. */
  private draft(inviting: InvitingContext, invitee: Invitee, emailNormalized: string, now: Date): InvitationDraft {
    const token = this.ids.secret(32);
    const user = User.register({
      id: this.ids.uuid(),
      organizationId: inviting.organizationId,
      email: invitee.email,
      role: invitee.role,
      passwordHash: null,
      now,
      via: 'invitation',
    });
    return { user, invitation: this.newInvitation(inviting, invitee, user.id, emailNormalized, token, now), token };
  }

  /** A new invitation of `userId`, to the invitee's role and teams. */
  private newInvitation(inviting: InvitingContext, invitee: Invitee, userId: string, emailNormalized: string, token: string, now: Date): Invitation {
    const invitation = Invitation.issue({
      id: this.ids.uuid(),
      organizationId: inviting.organizationId,
      userId,
      emailNormalized,
      role: invitee.role,
      tokenHash: hashToken(token),
      invitedBy: inviting.inviterUserId,
      now,
      ttlDays: inviting.ttlDays,
    });
    invitation.teamIds = invitee.teamIds ?? [];
    return invitation;
  }

  /** Invites someone who has an account already, in the transaction; the mail to queue is added to `mails`. */
  private inviteOne(
    context: CommandContext,
    inviting: InvitingContext,
    invitee: Invitee,
    emailNormalized: string,
    existing: User,
    open: Invitation | undefined,
    now: Date,
    mails: InvitationMail[],
  ): IssueOutcome {
    if (existing.status !== 'invited') return new AlreadyMemberError();
    const token = this.ids.secret(32);
    const to = existing.email ?? invitee.email;
    if (open) {
      if (open.role !== invitee.role) {
        const message = `an invitation as ${open.role} is pending for this email; revoke it to invite as ${invitee.role}`;
        return new DomainError('INVITATIONS.PENDING_WITH_OTHER_ROLE', 'conflict', `Not invited: ${message}`, [{ field: 'role', message }]);
      }
      open.resend({ tokenHash: hashToken(token), now, ttlDays: inviting.ttlDays });
      if (invitee.teamIds?.length) open.teamIds = [...new Set([...open.teamIds, ...invitee.teamIds])];
      mails.push({ invitation: open, to, token });
      return issued(open, to, 'resent');
    }
    // invited before, but that invitation was revoked: a new one, possibly for another role
    existing.changeRole(invitee.role, now);
    const invitation = this.newInvitation(inviting, invitee, existing.id, emailNormalized, token, now);
    context.em.persist(invitation);
    mails.push({ invitation, to, token });
    return issued(invitation, to, 'invited');
  }
}

function issued(invitation: Invitation, email: string, outcome: IssuedInvitation['outcome']): IssuedInvitation {
  return { id: invitation.id, email, role: invitation.role, status: invitation.status, expiresAt: invitation.expiresAt, outcome };
}
