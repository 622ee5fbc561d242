import { setTimeout as sleep } from 'node:timers/promises';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../infrastructure/config/app-config';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { DomainError } from '../../../../shared/domain-error';
import { UserAccounts } from '../../../users';
import { activeProfile } from '../../infrastructure/acting-user';
import { Challenges } from '../../infrastructure/challenges';
import { lockEvent, LoginThrottle } from '../../infrastructure/login-throttle';
import { Mfa } from '../../infrastructure/mfa';
import type { PasswordExpiredStep } from '../../infrastructure/password-expiry';
import { SignInCompletion } from '../../infrastructure/sign-in-completion';
import type { TokenPair } from '../../infrastructure/token-issuer';
import { VerifyMfaChallengeCommand } from './verify-mfa-challenge.command';

/**
 * The MFA step of a sign-in. Each code is reserved in the account's limits first (it
 * counts toward the same lock as passwords, and toward the MFA count that only a right
 * code resets), then checked with the challenge locked, so one challenge takes at most
 * `challengeMaxAttempts` wrong codes and then is dead, whatever comes after.
 */
@CommandHandler(VerifyMfaChallengeCommand)
export class VerifyMfaChallengeHandler implements ICommandHandler<VerifyMfaChallengeCommand, TokenPair | PasswordExpiredStep> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly mfa: Mfa,
    private readonly challenges: Challenges,
    private readonly users: UserAccounts,
    private readonly throttle: LoginThrottle,
    private readonly completion: SignInCompletion,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async execute({ mfaToken, code, actor }: VerifyMfaChallengeCommand): Promise<TokenPair | PasswordExpiredStep> {
    const probe = await this.challenges.find(this.uow.reader(null), mfaToken, 'mfa_verify');
    const user = { organizationId: probe.organizationId, userId: probe.userId };
    const profile = await activeProfile(this.users, user);
    const account = this.throttle.accountKey(user.organizationId, profile.email ?? profile.id);
    const reservation = await this.throttle.reserve(account, actor.ip, 'mfa');
    const actorAsUser = { ...actor, type: 'user' as const, id: user.userId, organizationId: user.organizationId };
    const { result: accepted } = await this.uow.run({ actor: actorAsUser, organizationId: user.organizationId }, async (context) => {
      const challenge = await this.challenges.find(context.em, mfaToken, 'mfa_verify');
      const method = await this.mfa.verify(context.em, user.userId, code);
      const now = this.clock.now();
      if (!method) {
        challenge.fail(now, this.config.values.auth.lockout.challengeMaxAttempts);
        context.record({
          type: 'auth.mfa_failed',
          organizationId: user.organizationId,
          subject: { type: 'user', id: user.userId },
          payload: { purpose: 'sign_in', attempts: challenge.failedAttempts, challengeEnded: !challenge.usable(now) },
        });
        return false;
      }
      challenge.use(now);
      context.record({ type: 'auth.mfa_verified', organizationId: user.organizationId, subject: { type: 'user', id: user.userId }, payload: { method } });
      return true;
    });
    if (!accepted) {
      const outcome = await reservation.failed();
      const locked = lockEvent(user.organizationId, user.userId, outcome);
      if (locked) await this.uow.run({ actor: actorAsUser, organizationId: user.organizationId }, async (context) => context.record(locked));
      await sleep(this.throttle.delayMs(outcome.failures));
      throw new DomainError('AUTH.INVALID_MFA_CODE', 'unauthenticated', 'The code is not valid');
    }
    await reservation.succeeded();
    const candidate = await this.users.findForSignIn(user.organizationId, profile.email ?? '');
    if (!candidate) throw new DomainError('AUTH.INVALID_MFA_CODE', 'unauthenticated', 'The code is not valid');
    return this.completion.finish(actor, candidate, account, probe.ssoConnectionId);
  }
}
