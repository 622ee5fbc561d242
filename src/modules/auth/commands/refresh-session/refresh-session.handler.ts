import { LockMode } from '@mikro-orm/core';
import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Revocations } from '../../../../infrastructure/security/revocations';
import { hashToken } from '../../../../infrastructure/security/token-hash';
import { Clock } from '../../../../shared/clock';
import { DomainError } from '../../../../shared/domain-error';
import { AccessGate, PolicyStore } from '../../../access-policy';
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
    // the token is the only key the caller has: this lookup crosses tenants by a 256-bit secret
    const found = await this.tokens.presented(presented);
    if (!found?.session) {
      if (found?.spent) await this.revokeForReuse(found.spent, command);
      throw new InvalidRefreshTokenError();
    }
    const { session } = found;
    const [user, policy] = await Promise.all([
      this.users.findProfile(session.organizationId, session.userId),
      this.policies.get(session.organizationId),
    ]);
    const now = this.clock.now();
    const ended = session.endedReason(now, policy.document.session.idleTimeoutMinutes);
    if (ended || !user || user.status !== 'active') throw new InvalidRefreshTokenError();
    if (policy.document.mfa.requiredForRoles.includes(user.role) && !session.provedSecondFactor) {
      // begun before the requirement (an invitation, a role change, a new policy): the
      // session ends and the next sign-in takes the MFA step, enrolling first if need be
      await this.endForMfa(session, command);
      throw new MfaNowRequiredError();
    }

    const actor = { ...command.actor, type: 'user' as const, id: user.id, organizationId: user.organizationId };
    // refused from here or now, the token stays unspent: the session goes on once the address or the hour is allowed
    await this.gate.admit(actor, { organizationId: user.organizationId, userId: user.id, role: user.role, ip: command.actor.ip }, 'refresh', {
      document: policy.document,
    });

    const next = this.issuer.newRefreshToken();
    await this.uow.run({ actor, organizationId: session.organizationId }, async (context) => {
      // spendable once, even by two requests racing: the second finds the token already spent
      if (!(await this.tokens.rotate(context.em, session, presented, next.hash, now, command.actor.ip))) throw new InvalidRefreshTokenError();
      context.record(Session.rotated(session));
    });
    return this.issuer.pair(this.sessions.claims(user, session.id), next.token);
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
