import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { UnitOfWork, type CommandContext } from '../../../infrastructure/event-store/unit-of-work';
import { PasswordHasher } from '../../../infrastructure/security/password-hasher';
import type { Actor } from '../../../shared/actor';
import { InvalidInputError } from '../../../shared/domain-error';
import { UserAccounts } from '../../users';
import type { UserRef } from './acting-user';
import { lockEvent, LoginThrottle, type FailureOutcome } from './login-throttle';
import { InvalidMfaCodeError, Mfa, type MfaMethod } from './mfa';

/**
 * A signed-in user proves again who they are before a sensitive change: their current
 * password, or a current MFA code. Every attempt is reserved in the re-verification limit
 * before it is checked, so a stolen session cannot guess its way to a new password or to
 * MFA switched off; past the limit the answer is 429 with Retry-After.
 */
@Injectable()
export class Reverification {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly mfa: Mfa,
    private readonly hasher: PasswordHasher,
    private readonly users: UserAccounts,
    private readonly throttle: LoginThrottle,
  ) {}

  private async recordLock(user: UserRef, actor: Actor, outcome: FailureOutcome): Promise<void> {
    const locked = lockEvent(user.organizationId, user.userId, outcome);
    if (locked) await this.uow.run({ actor, organizationId: user.organizationId }, async (context) => context.record(locked));
  }

  async assertPassword(user: UserRef, password: string, field: string, actor: Actor): Promise<void> {
    const reservation = await this.throttle.reserveReverification(user.userId);
    const hash = await this.users.passwordHashOf(user.organizationId, user.userId);
    const verified = await this.hasher.verify(hash, password).catch(async (error: unknown) => {
      // refused before the check (hashing is at capacity): no guess was made, none is counted
      await reservation.abandoned();
      throw error;
    });
    if (!verified) {
      const outcome = await reservation.failed();
      await this.recordLock(user, actor, outcome);
      await sleep(this.throttle.delayMs(outcome.failures));
      throw new InvalidInputError('AUTH.WRONG_PASSWORD', field, 'is not your current password');
    }
    await reservation.succeeded();
  }

  /** Runs `work` in one transaction with the code's acceptance; a refused code is an event and a counted failure. */
  async withCode<T>(user: UserRef, code: string, actor: Actor, purpose: string, work: (context: CommandContext, method: MfaMethod) => Promise<T>): Promise<T> {
    const reservation = await this.throttle.reserveReverification(user.userId);
    const { result } = await this.uow.run({ actor, organizationId: user.organizationId }, async (context) => {
      const method = await this.mfa.verify(context.em, user.userId, code);
      if (!method) {
        context.record({ type: 'auth.mfa_failed', organizationId: user.organizationId, subject: { type: 'user', id: user.userId }, payload: { purpose } });
        return { refused: true as const };
      }
      return { refused: false as const, value: await work(context, method) };
    });
    if (result.refused) {
      await this.recordLock(user, actor, await reservation.failed());
      throw new InvalidMfaCodeError();
    }
    await reservation.succeeded();
    return result.value;
  }
}
