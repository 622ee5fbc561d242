import { setTimeout as sleep } from 'node:timers/promises';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { PasswordHasher } from '../../../../infrastructure/security/password-hasher';
import type { Actor } from '../../../../shared/actor';
import { OrganizationDirectory } from '../../../organizations';
import { UserAccounts } from '../../../users';
import { AccountLockedError } from '../../domain/account-locked.error';
import { InvalidCredentialsError } from '../../domain/invalid-credentials.error';
import { LoginThrottle } from '../../infrastructure/login-throttle';
import { SessionStarter } from '../../infrastructure/session-starter';
import { PolicyStore } from '../../../access-policy';
import { Challenges } from '../../infrastructure/challenges';
import { Mfa } from '../../infrastructure/mfa';
import { PasswordExpiry } from '../../infrastructure/password-expiry';
import { LoginCommand, type LoginResult } from './login.command';

const MFA_STEP_SECONDS = 300;

/**
 * Password sign-in. Unknown organization, unknown email, wrong password and an inactive
 * account all take one argon2 verify and give one answer; every attempt in a known
 * organization is an event, with the reason kept for auditors only. Failures are throttled
 * per account and per IP (LoginThrottle).
 */
@CommandHandler(LoginCommand)
export class LoginHandler implements ICommandHandler<LoginCommand, LoginResult> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly organizations: OrganizationDirectory,
    private readonly users: UserAccounts,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionStarter,
    private readonly throttle: LoginThrottle,
    private readonly policies: PolicyStore,
    private readonly mfa: Mfa,
    private readonly challenges: Challenges,
    private readonly expiry: PasswordExpiry,
  ) {}

  async execute(command: LoginCommand): Promise<LoginResult> {
    const organization = await this.organizations.findBySlug(command.organization);
    const account = this.throttle.accountKey(organization?.id ?? `unknown:${command.organization}`, command.email);
    const state = await this.throttle.state(account, command.actor.ip);
    const candidate = organization ? await this.users.findForSignIn(organization.id, command.email) : null;

    if (state.locked) {
      if (organization) {
        await this.recordFailure(organization.id, command.actor, candidate?.id ?? null, { reason: 'locked', scope: state.scope });
      }
      throw new AccountLockedError(state.retryAfterSeconds);
    }

    const passwordOk = await this.passwords.verify(candidate?.passwordHash ?? null, command.password);
    if (!organization || !candidate || !passwordOk || candidate.status !== 'active') {
      const reason = !organization
        ? 'unknown_organization'
        : !candidate
          ? 'unknown_user'
          : candidate.status !== 'active'
            ? `account_${candidate.status}`
            : 'bad_password';
      const outcome = await this.throttle.recordFailure(account, command.actor.ip);
      if (organization) {
        await this.recordFailure(organization.id, command.actor, candidate?.id ?? null, { reason, failures: outcome.failures }, outcome);
      }
      await sleep(this.throttle.delayMs(outcome.failures));
      throw new InvalidCredentialsError();
    }

    await this.throttle.recordSuccess(account);
    const [factor, policy] = await Promise.all([
      this.mfa.find(this.uow.reader(organization.id), candidate.id),
      this.policies.get(organization.id),
    ]);
    const mustEnrol = !factor?.enabled && policy.document.mfa.requiredForRoles.includes(candidate.role);
    if (!factor?.enabled && !mustEnrol) {
      // one read of the policy serves the whole sign-in
      return (
        (await this.expiry.check(command.actor, candidate, policy.document)) ??
        this.sessions.start(command.actor, candidate, 'password', policy.document)
      );
    }

    // the password was right: the session waits for the second step
    const { result: mfaToken } = await this.uow.run(
      { actor: { ...command.actor, type: 'user', id: candidate.id, organizationId: organization.id }, organizationId: organization.id },
      async (context) => {
        const token = this.challenges.issue(context, {
          organizationId: organization.id,
          userId: candidate.id,
          purpose: mustEnrol ? 'mfa_enroll' : 'mfa_verify',
          ttlSeconds: MFA_STEP_SECONDS,
        });
        context.record({
          type: 'auth.mfa_challenged',
          organizationId: organization.id,
          subject: { type: 'user', id: candidate.id },
          payload: { method: 'password', enrolmentRequired: mustEnrol },
        });
        return token;
      },
    );
    return mustEnrol ? { mfaEnrollmentRequired: true, mfaToken } : { mfaRequired: true, mfaToken };
  }

  private async recordFailure(
    organizationId: string,
    actor: Actor,
    userId: string | null,
    payload: Record<string, unknown>,
    outcome?: { lockedForSeconds: number | null; lockScope: 'account' | 'ip' | null; failures: number },
  ): Promise<void> {
    await this.uow.run({ actor: { ...actor, organizationId }, organizationId }, async (context) => {
      context.record({
        type: 'auth.login_failed',
        organizationId,
        subject: { type: 'user', id: userId },
        payload: { method: 'password', ...payload },
      });
      if (outcome?.lockedForSeconds) {
        context.record({
          type: 'security.account_locked',
          organizationId,
          subject: { type: 'user', id: userId },
          payload: { scope: outcome.lockScope, lockedForSeconds: outcome.lockedForSeconds, failures: outcome.failures, severity: 'medium' },
        });
      }
    });
  }
}
