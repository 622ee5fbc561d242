import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import { Revocations } from '../../../infrastructure/security/revocations';
import { Clock } from '../../../shared/clock';
import type { Principal } from '../../../shared/principal';
import { UserAccounts } from '../../users';
import { Session } from '../domain/session.entity';

/**
 * Is the credential behind a request still good? Redis answers on the hot path; when it
 * cannot, the database does (slower, same verdict), so an outage fails neither open nor shut.
 */
@Injectable()
export class SessionLiveness {
  constructor(
    private readonly revocations: Revocations,
    private readonly uow: UnitOfWork,
    private readonly users: UserAccounts,
    private readonly clock: Clock,
  ) {}

  /**
   * The user's version with the verdict (UserVersions; null when Redis could not answer), and
   * the `alongside` keys' values read in the same round trip (ReadAlongside).
   */
  async isLive(
    principal: Principal,
    alongside?: readonly (readonly string[])[],
  ): Promise<{ live: boolean; userVersion: string | null; alongside?: Map<string, string | null> }> {
    const answer = await this.revocations.check(principal.sessionId, principal.userId, principal.issuedAt, alongside);
    const { verdict, userVersion } = answer;
    if (verdict !== 'unknown') return { live: verdict === 'valid', userVersion, alongside: answer.alongside };
    return { live: await this.fromDatabase(principal), userVersion: null };
  }

  private async fromDatabase(principal: Principal): Promise<boolean> {
    const [user, session] = await Promise.all([
      this.users.findProfile(principal.organizationId, principal.userId),
      principal.sessionId ? this.uow.reader(principal.organizationId).findOne(Session, { id: principal.sessionId }) : null,
    ]);
    if (!user || user.status !== 'active' || user.role !== principal.role) return false;
    if (!principal.sessionId) return true;
    return !!session && !session.revokedAt && session.expiresAt > this.clock.now();
  }
}
