import { LockMode } from '@mikro-orm/core';
import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Revocations } from '../../../../infrastructure/security/revocations';
import { hashToken } from '../../../../infrastructure/security/token-hash';
import type { Actor } from '../../../../shared/actor';
import { Clock } from '../../../../shared/clock';
import { DomainError } from '../../../../shared/domain-error';
import { AccessGate, PolicyStore, type AccessCaller, type PolicyDocument } from '../../../access-policy';
import { UserAccounts } from '../../../users';
import { Session } from '../../domain/session.entity';
import { SpentRefreshToken } from '../../domain/spent-refresh-token.entity';
import { SessionStarter } from '../../infrastructure/session-starter';
import { SessionTokens } from '../../infrastructure/session-tokens';
import { TokenIssuer, type TokenPair } from '../../infrastructure/token-issuer';
import { RefreshSessionCommand } from './refresh-session.command';

class InvalidRefreshTokenError extends DomainError {
  constructor() {
    super('AUTH.INVALID_REFRESH_TOKEN', 'unauthenticated', 'The refresh token is not valid; sign in again');
  }
}

class MfaNowRequiredError extends DomainError {
  constructor() {
    super('AUTH.MFA_REQUIRED', 'unauthenticated', 'Your organization requires two-factor authentication for your role; sign in again to set it up');
  }
}

/** What a refresh rolled back for, to deal with outside its transaction before trying again or refusing. */
type Setback =
  | { kind: 'policy'; organizationId: string }
  | { kind: 'mfa'; session: Session }
  | { kind: 'gate'; actor: Actor; caller: AccessCaller; document: PolicyDocument };

/** Rolls the refresh's transaction back, leaving the token unspent, for the setback to be dealt with after. */
class RolledBack extends Error {
  constructor(readonly setback: Setback) {
    super(`refresh rolled back (${setback.kind})`);
  }
}

/** What earlier attempts of one refresh settled outside a transaction. */
interface Settled {
  policy: { organizationId: string; document: PolicyDocument } | null;
  /** The access gate let this caller through (and recorded a break-glass pass, if it was one). */
  admitted: boolean;
}

/**
 * Exchanges a refresh token for a new pair, spending the old one. A spent token presented
 * again means two parties hold it: the whole session is revoked and a security event raised,
 * once: replays after the session is over (a flood of them) answer 401 and record nothing.
 * The new access token carries the user's current role, so role changes apply from here.
 * The organization's IP allow-list and access windows apply as at sign-in.
 */
@CommandHandler(RefreshSessionCommand)
export class RefreshSessionHandler implements ICommandHandler<RefreshSessionCommand, TokenPair> {
  private readonly logger = new Logger(RefreshSessionHandler.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserAccounts,
    private readonly policies: PolicyStore,
    private readonly issuer: TokenIssuer,
    private readonly tokens: SessionTokens,
    private readonly sessions: SessionStarter,
    private readonly revocations: Revocations,
    private readonly clock: Clock,
    private readonly gate: AccessGate,
  ) {}

  async execute(command: RefreshSessionCommand): Promise<TokenPair> {
    const presented = hashToken(command.refreshToken);
    const settled: Settled = { policy: null, admitted: false };
    // at most three attempts: each setback but a refusal is settled once
    for (;;) {
      try {
        return await this.spend(command, presented, settled);
      } catch (error) {
        if (!(error instanceof RolledBack)) throw error;
        await this.settle(error.setback, command, settled);
      }
    }
  }

  /**
   * The token is spent by the transaction's first statement, which is also what finds the
   * session; every check follows in the transaction, and a refusal rolls the spending back.
   * Nothing in the transaction waits for another connection of the ORM's pool (a policy or
   * team read would, and with the pool full of refreshes none would come): those are setbacks,
   * settled after the rollback.
   */
  private async spend(command: RefreshSessionCommand, presented: string, settled: Settled): Promise<TokenPair> {
    const next = this.issuer.newRefreshToken();
    const now = this.clock.now();
    const { result } = await this.uow.runStatements({ actor: command.actor, organizationId: null }, async (context) => {
      const found = await this.tokens.spend(context, presented, next.hash, now, command.actor.ip);
      // nothing was written: the transaction commits empty
      if (!found?.session) return found?.spent ?? null;
      const { session } = found;
      const document = this.policies.cached(session.organizationId)?.document ?? (settled.policy?.organizationId === session.organizationId ? settled.policy.document : null);
      if (!document) throw new RolledBack({ kind: 'policy', organizationId: session.organizationId });
      const user = await this.users.standing(session.organizationId, session.userId);
      if (session.endedReason(now, document.session.idleTimeoutMinutes) || !user || user.status !== 'active') throw new InvalidRefreshTokenError();
      if (document.mfa.requiredForRoles.includes(user.role) && !session.provedSecondFactor) throw new RolledBack({ kind: 'mfa', session });
      const actor = { ...command.actor, type: 'user' as const, id: user.id, organizationId: user.organizationId };
      context.actAs(actor);
      const caller = { organizationId: user.organizationId, userId: user.id, role: user.role, ip: command.actor.ip };
      if (!settled.admitted && !this.gate.plainlyAdmitted(caller, document)) throw new RolledBack({ kind: 'gate', actor, caller, document });
      context.record(Session.rotated(session));
      return { user, session };
    });
    if (result instanceof SpentRefreshToken) await this.revokeForReuse(result, command);
    if (!result || result instanceof SpentRefreshToken) throw new InvalidRefreshTokenError();
    return this.issuer.pair(this.sessions.claims(result.user, result.session.id), next.token);
  }

  private async settle(setback: Setback, command: RefreshSessionCommand, settled: Settled): Promise<void> {
    switch (setback.kind) {
      case 'policy':
        settled.policy = { organizationId: setback.organizationId, document: (await this.policies.get(setback.organizationId)).document };
        return;
      case 'mfa':
        // begun before the requirement (an invitation, a role change, a new policy): the
        // session ends and the next sign-in takes the MFA step, enrolling first if need be
        await this.endForMfa(setback.session, command);
        throw new MfaNowRequiredError();
      case 'gate':
        // a refusal is recorded and answered here (403), the token unspent: the session goes on
        // once the address or the hour is allowed; a break-glass pass is recorded, then spent
        await this.gate.admit(setback.actor, setback.caller, 'refresh', { document: setback.document });
        settled.admitted = true;
    }
  }

  private async endForMfa(found: Session, command: RefreshSessionCommand): Promise<void> {
    const actor = { ...command.actor, type: 'user' as const, id: found.userId, organizationId: found.organizationId };
    await this.uow.run({ actor, organizationId: found.organizationId }, async ({ em }) => {
      const session = await em.findOne(Session, { id: found.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      session?.revoke('mfa_required', this.clock.now());
    });
    await this.revocations.revokeSession(found.id).catch((error: Error) => this.logger.error(`revocation mark not written: ${error.message}`));
  }

  private async revokeForReuse(spent: SpentRefreshToken, command: RefreshSessionCommand): Promise<void> {
    const { result: userId } = await this.uow.run({ actor: { ...command.actor, organizationId: spent.organizationId }, organizationId: spent.organizationId }, async (context) => {
      // locked, so of replays racing on any instance only the one that ends a live session
      // raises the event; the others wait for it and find the session already over
      const session = await context.em.findOne(Session, { id: spent.sessionId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!session || session.revokedAt) return null;
      context.record({
        type: 'security.refresh_token_reused',
        organizationId: spent.organizationId,
        subject: { type: 'user', id: session.userId },
        payload: { sessionId: session.id, severity: 'high', spentAt: spent.spentAt.toISOString() },
      });
      session.revoke('refresh_token_reused', this.clock.now());
      return session.userId;
    });
    if (userId) {
      await this.revocations.revokeSession(spent.sessionId).catch((error: Error) => this.logger.error(`revocation mark not written: ${error.message}`));
    }
  }
}
