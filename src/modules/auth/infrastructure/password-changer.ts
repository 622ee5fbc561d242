import { Injectable } from '@nestjs/common';
import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';
import { PasswordHasher } from '../../../infrastructure/security/password-hasher';
import { Clock } from '../../../shared/clock';
import { IdGenerator } from '../../../shared/ids';
import { PasswordRules, WeakPasswordError } from '../../access-policy';
import { UserAccounts } from '../../users';
import { PasswordHistoryEntry } from '../domain/password-history.entity';
import { Challenges } from './challenges';

export interface PreparedPassword {
  hash: string;
  previousHash: string | null;
  keep: number;
}

/**
 * Sets a user's password by the organization's policy: its rules, the common-password list
 * and the history of the last N passwords (the current one included). A new password ends
 * every open challenge of the user: pending MFA steps and earlier reset links.
 */
@Injectable()
export class PasswordChanger {
  constructor(
    private readonly rules: PasswordRules,
    private readonly hasher: PasswordHasher,
    private readonly users: UserAccounts,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly challenges: Challenges,
  ) {}

  /** The checks and the slow hashing, done before the transaction opens. */
  async prepare(
    context: { em: CommandContext['em'] },
    user: { organizationId: string; id: string; email: string | null },
    password: string,
    field = 'password',
  ): Promise<PreparedPassword> {
    const policy = await this.rules.assertAcceptable(user.organizationId, password, user.email, field);
    const previousHash = await this.users.passwordHashOf(user.organizationId, user.id);
    if (policy.history > 0) {
      const former = await context.em.find(
        PasswordHistoryEntry,
        { userId: user.id },
        { orderBy: { createdAt: 'desc' }, limit: Math.max(policy.history - 1, 0) },
      );
      const hashes = [previousHash, ...former.map((entry) => entry.passwordHash)].filter((hash): hash is string => !!hash);
      for (const hash of hashes.slice(0, policy.history)) {
        if (await this.hasher.verify(hash, password)) throw new WeakPasswordError(['reused'], policy, field);
      }
    }
    return { hash: await this.hasher.hash(password), previousHash, keep: policy.history };
  }

  async apply(context: CommandContext, user: { organizationId: string; id: string }, prepared: PreparedPassword, via: 'change' | 'reset' | 'expired'): Promise<void> {
    await this.users.setPassword(context, user.id, prepared.hash, via);
    // a second step or a reset link begun under the old password proves nothing any more
    await this.challenges.endAll(context.em, user.id);
    if (prepared.previousHash && prepared.keep > 0) {
      context.em.persist(
        PasswordHistoryEntry.of({ id: this.ids.uuid(), organizationId: user.organizationId, userId: user.id, passwordHash: prepared.previousHash, now: this.clock.now() }),
      );
    }
    // no more former hashes are kept than the policy compares against
    const stale = await context.em.find(PasswordHistoryEntry, { userId: user.id }, { orderBy: { createdAt: 'desc' }, offset: Math.max(prepared.keep - 1, 0) });
    stale.forEach((entry) => context.em.remove(entry));
  }
}
