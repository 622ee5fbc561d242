import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../shared/clock';
import { PlatformOperatorGrant, type OperatorRevocationReason } from '../domain/platform-operator-grant.entity';
import { NotAPlatformOperatorError } from '../domain/not-a-platform-operator.error';

/** Who asks for operator-only work: the signed-in user behind a token or an API key. */
export interface OperatorCaller {
  organizationId: string;
  userId: string;
}

/**
 * Platform operators' grants, for the commands of any module: operator-only commands check
 * the grant here, read fresh inside their own transaction (never from a token's claim), and
 * the users module's lifecycle commands end it.
 */
@Injectable()
export class PlatformOperators {
  constructor(private readonly clock: Clock) {}

  /**
   * Throws unless `caller` holds a grant and is still an active Administrator. Inside a
   * command's transaction (`em`) the rows read are share-locked to its end, so a demotion
   * racing the command waits for it.
   */
  async assertOperator(em: EntityManager, caller: OperatorCaller | null): Promise<void> {
    if (!caller) throw new NotAPlatformOperatorError();
    // raw SQL: the caller's organization may not be the tenant the command runs in (a new organization)
    const rows = await em.getConnection().execute<{ ok: number }[]>(
      `select 1 as ok from platform_operator_grants g
         join users u on u.id = g.user_id and u.organization_id = g.organization_id
        where g.organization_id = ? and g.user_id = ? and u.role = 'Administrator' and u.status = 'active'
        for share of g, u`,
      [caller.organizationId, caller.userId],
      'all',
      em.getTransactionContext<Knex.Transaction>(),
    );
    if (!rows.length) throw new NotAPlatformOperatorError();
  }

  /** Gives a grant inside the caller's transaction (the caller checked who may receive it). */
  grant(context: CommandContext, input: { organizationId: string; userId: string; grantedBy: string | null; via: string }): PlatformOperatorGrant {
    const grant = PlatformOperatorGrant.grant({ ...input, now: this.clock.now() });
    context.em.persist(grant);
    return grant;
  }

  /** Ends the user's grant, if they hold one, inside the caller's transaction, recording why. */
  async end(context: CommandContext, userId: string, reason: OperatorRevocationReason): Promise<boolean> {
    const grant = await context.em.findOne(PlatformOperatorGrant, { userId });
    if (!grant) return false;
    context.em.remove(grant);
    context.record({
      type: 'platform.operator_revoked',
      organizationId: grant.organizationId,
      subject: { type: 'user', id: userId },
      payload: { reason },
    });
    return true;
  }
}
