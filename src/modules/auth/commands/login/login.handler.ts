import { setTimeout as sleep } from 'node:timers/promises';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../infrastructure/config/app-config';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { PasswordHasher, type SignInAdmission } from '../../../../infrastructure/security/password-hasher';
import { RateLimits } from '../../../../infrastructure/security/rate-limits';
import type { Actor } from '../../../../shared/actor';
import type { EventPayload } from '../../../../shared/event-catalogue';
import { OrganizationDirectory } from '../../../organizations';
import { UserAccounts } from '../../../users';
import { InvalidCredentialsError } from '../../domain/invalid-credentials.error';
import { lockEvent, LoginThrottle, SignInLockedError, type FailureOutcome, type Reservation } from '../../infrastructure/login-throttle';
import { SignInCompletion } from '../../infrastructure/sign-in-completion';
import { LoginCommand, type LoginResult } from './login.command';

/**
 * Password sign-in. Unknown organization, unknown email, wrong password and an inactive
 * account all take one argon2 verify and give one answer; every attempt in a known
 * organization is an event, with the reason kept for auditors only. Each attempt is
 * reserved in the brute-force limits before the password is checked (LoginThrottle);
 * attempts refused by a lock are recorded as samples ("N refused in the last minute from
 * this address"), so a flood cannot fill the organization's trail.
 */
@CommandHandler(LoginCommand)
export class LoginHandler implements ICommandHandler<LoginCommand, LoginResult> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly organizations: OrganizationDirectory,
    private readonly users: UserAccounts,
    private readonly passwords: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly limits: RateLimits,
    private readonly completion: SignInCompletion,
    private readonly config: AppConfig,
  ) {}

  async execute(command: LoginCommand): Promise<LoginResult> {
    // past the hashing capacity, refused before any other work: a flood costs little to answer
    const admission = command.admission ?? this.passwords.admit();
    try {
      return await this.signIn(command, admission);
    } finally {
      admission.release();
    }
  }

  private async signIn(command: LoginCommand, admission: SignInAdmission): Promise<LoginResult> {
    const organization = await this.organizations.findBySlug(command.organization);
    const account = this.throttle.accountKey(organization?.id ?? `unknown:${command.organization}`, command.email);
    // the account's read and the attempt's reservation at once: the reservation needs only the
    // key, and every round trip before the verify is time the hashing pool may wait
    const [found, reserved] = await Promise.allSettled([
      organization ? this.users.findForSignIn(organization.id, command.email) : null,
      this.throttle.reserve(account, command.actor.ip, 'password'),
    ]);
    if (found.status === 'rejected') {
      // no guess was checked: the attempt counts for nothing
      if (reserved.status === 'fulfilled') await reserved.value.abandoned();
      throw found.reason;
    }
    const candidate = found.value;
    if (reserved.status === 'rejected') {
      const error: unknown = reserved.reason;
      if (error instanceof SignInLockedError && organization) await this.recordRefusal(organization.id, command.actor, candidate?.id ?? null, error);
      throw error;
    }
    const reservation: Reservation = reserved.value;

    // what the completion asks first, read while the password is checked: one round trip fewer
    // after the verify, where every sign-in's steps keep the hashing pool from its next verify
    const factors = organization && candidate ? this.completion.factors(candidate) : null;
    // a refused or failed attempt ends before reading it
    factors?.catch(() => undefined);
    let passwordOk: boolean;
    try {
      passwordOk = await admission.verify(candidate?.passwordHash ?? null, command.password);
    } catch (error) {
      // refused before the check (hashing reached capacity since the start): no guess was made, none is counted
      await reservation.abandoned();
      throw error;
    }
    if (!organization || !candidate || !passwordOk || candidate.status !== 'active') {
      const reason = !organization
        ? 'unknown_organization'
        : !candidate
          ? 'unknown_user'
          : candidate.status !== 'active'
            ? `account_${candidate.status}`
            : 'bad_password';
      const outcome = await reservation.failed();
      if (organization) await this.recordFailure(organization.id, command.actor, candidate?.id ?? null, { reason, failures: outcome.failures }, outcome);
      await sleep(this.throttle.delayMs(outcome.failures));
      throw new InvalidCredentialsError();
    }
    // settled as a success by the completion, with the address remembered if the sign-in completes
    return this.completion.afterFirstFactor(command.actor, candidate, 'password', account, reservation, factors ?? undefined);
  }

  private async recordRefusal(organizationId: string, actor: Actor, userId: string | null, error: SignInLockedError): Promise<void> {
    const windowSeconds = this.config.values.rateLimits.refusalSampleSeconds;
    const refused = await this.limits.sample('signin-refused', `${organizationId}|${actor.ip ?? '-'}|${userId ?? '-'}`, windowSeconds);
    if (refused === null) return;
    await this.recordFailure(organizationId, actor, userId, { reason: 'locked', scope: error.scope, sampled: { refused, windowSeconds } });
  }

  private async recordFailure(organizationId: string, actor: Actor, userId: string | null, payload: Omit<EventPayload<'auth.login_failed'>, 'method'>, outcome?: FailureOutcome): Promise<void> {
    await this.uow.run({ actor: { ...actor, organizationId }, organizationId }, async (context) => {
      context.record({
        type: 'auth.login_failed',
        organizationId,
        subject: { type: 'user', id: userId },
        payload: { method: 'password', ...payload },
      });
      const locked = outcome && lockEvent(organizationId, userId, outcome);
      if (locked) context.record(locked);
    });
  }
}
