import { Injectable } from '@nestjs/common';
import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../shared/clock';
import { AccountStanding } from '../../access-policy';
import { User } from '../domain/user.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The users module's side of access-policy's AccountStanding port. */
@Injectable()
export class UserAccountStanding implements AccountStanding {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async standingOf(organizationId: string, userId: string): Promise<{ role: string; status: string; mfaEnabled: boolean } | null> {
    if (!UUID.test(userId)) return null;
    const [row] = await this.uow
      .reader(organizationId)
      .getConnection()
      .execute<{ role: string; status: string; mfa_enabled: boolean }[]>(
        'select role, status, mfa_enabled from users where organization_id = ? and id = ?',
        [organizationId, userId],
        'all',
      );
    return row ? { role: row.role, status: row.status, mfaEnabled: row.mfa_enabled } : null;
  }

  async holdersOf(context: CommandContext, role: string): Promise<number> {
    return context.em.count(User, { role, status: { $ne: 'removed' } });
  }

  async reassign(context: CommandContext, from: string, to: string): Promise<string[]> {
    // removed accounts keep the name of their last role for the audit trail; the living move
    const holders = await context.em.find(User, { role: from, status: { $ne: 'removed' } });
    for (const user of holders) user.changeRole(to, this.clock.now());
    return holders.map((user) => user.id);
  }
}
