import { LockMode } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { TENANT_FILTER } from '../../../infrastructure/database/tenant';
import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';
import { hashToken } from '../../../infrastructure/security/token-hash';
import { Clock } from '../../../shared/clock';
import { DomainError } from '../../../shared/domain-error';
import { IdGenerator } from '../../../shared/ids';
import { AuthChallenge, type ChallengePurpose } from '../domain/auth-challenge.entity';

export class InvalidChallengeError extends DomainError {
  constructor() {
    super('AUTH.INVALID_CHALLENGE', 'unauthenticated', 'This step has expired or was already used; sign in again');
  }
}

/** Issues and redeems the single-use tokens that carry a sign-in from one step to the next. */
@Injectable()
export class Challenges {
  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  issue(context: CommandContext, input: { organizationId: string; userId: string; purpose: ChallengePurpose; ttlSeconds: number; ssoConnectionId?: string | null }): string {
    const token = `ghc_${this.ids.secret(32)}`;
    context.em.persist(AuthChallenge.issue({ ...input, id: this.ids.uuid(), tokenHash: hashToken(token), now: this.clock.now() }));
    return token;
  }

  /**
   * Ends the user's open challenges (of the given purposes, or all): what a password change
   * or reset, an MFA reset or a newer reset link makes obsolete. Runs in the command's
   * transaction, whose events say why.
   */
  async endAll(em: EntityManager, userId: string, purposes?: ChallengePurpose[]): Promise<number> {
    return em.nativeUpdate(
      AuthChallenge,
      { userId, usedAt: null, ...(purposes ? { purpose: { $in: purposes } } : {}) },
      { usedAt: this.clock.now() },
    );
  }

  /** Finds a usable challenge by its token (the caller holds nothing else), locked for the transaction. */
  async find(em: EntityManager, token: string, purpose: ChallengePurpose): Promise<AuthChallenge> {
    const challenge = await em.findOne(
      AuthChallenge,
      { tokenHash: hashToken(token), purpose },
      { filters: { [TENANT_FILTER]: false }, ...(em.isInTransaction() ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {}) },
    );
    if (!challenge?.usable(this.clock.now())) throw new InvalidChallengeError();
    return challenge;
  }
}
