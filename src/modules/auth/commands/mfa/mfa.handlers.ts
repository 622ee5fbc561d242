import { setTimeout as sleep } from 'node:timers/promises';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MailOutbox } from '../../../../infrastructure/mail/mail-outbox';
import { UnitOfWork, type CommandContext } from '../../../../infrastructure/event-store/unit-of-work';
import type { Actor } from '../../../../shared/actor';
import { DomainError, NotFoundError } from '../../../../shared/domain-error';
import { OrganizationDirectory } from '../../../organizations';
import { UserAccounts, type UserProfile } from '../../../users';
import { Challenges } from '../../infrastructure/challenges';
import { LoginThrottle } from '../../infrastructure/login-throttle';
import { InvalidMfaCodeError, Mfa } from '../../infrastructure/mfa';
import { MFA_RESET_TEMPLATE } from '../../infrastructure/mfa-reset.template';
import { PasswordExpiry, type PasswordExpiredStep } from '../../infrastructure/password-expiry';
import { SessionStarter } from '../../infrastructure/session-starter';
import type { TokenPair } from '../../infrastructure/token-issuer';
import {
  ConfirmChallengedEnrolmentCommand,
  ConfirmTotpEnrolmentCommand,
  DisableMfaCommand,
  RegenerateRecoveryCodesCommand,
  ResetUserMfaCommand,
  StartChallengedEnrolmentCommand,
  StartTotpEnrolmentCommand,
  VerifyMfaChallengeCommand,
  type RecoveryCodes,
  type TotpEnrolment,
} from './mfa.commands';

// The MFA use cases are small and share their collaborators: they live together here.

function asUser(actor: Actor, user: { organizationId: string; userId: string }): Actor {
  return { ...actor, type: actor.type === 'api_key' ? 'api_key' : 'user', id: actor.id ?? user.userId, organizationId: user.organizationId };
}

async function profileOf(users: UserAccounts, organizationId: string, userId: string): Promise<UserProfile> {
  const profile = await users.findProfile(organizationId, userId);
  if (!profile || profile.status !== 'active') throw new NotFoundError('User');
  return profile;
}

@CommandHandler(StartTotpEnrolmentCommand)
export class StartTotpEnrolmentHandler implements ICommandHandler<StartTotpEnrolmentCommand, TotpEnrolment> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly mfa: Mfa,
    private readonly users: UserAccounts,
    private readonly organizations: OrganizationDirectory,
  ) {}

  async execute({ user, actor }: StartTotpEnrolmentCommand): Promise<TotpEnrolment> {
    const profile = await profileOf(this.users, user.organizationId, user.userId);
    const organization = await this.organizations.findById(user.organizationId);
    const { result } = await this.uow.run({ actor: asUser(actor, user), organizationId: user.organizationId }, ({ em }) =>
      this.mfa.beginEnrolment(em, profile, `Gatehouse (${organization?.name ?? 'organization'})`),
    );
    return result;
  }
}

@CommandHandler(ConfirmTotpEnrolmentCommand)
export class ConfirmTotpEnrolmentHandler implements ICommandHandler<ConfirmTotpEnrolmentCommand, RecoveryCodes> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly mfa: Mfa,
  ) {}

  async execute({ user, code, actor }: ConfirmTotpEnrolmentCommand): Promise<RecoveryCodes> {
    const { result } = await this.uow.run({ actor: asUser(actor, user), organizationId: user.organizationId }, ({ em }) =>
      this.mfa.confirmEnrolment(em, { id: user.userId, organizationId: user.organizationId }, code),
    );
    return { recoveryCodes: result };
  }
}

/** Runs `work` once a code was accepted; a refused code is an event and a throttled failure. */
async function withCode<T>(
  deps: { uow: UnitOfWork; mfa: Mfa },
  user: { organizationId: string; userId: string },
  code: string,
  actor: Actor,
  purpose: string,
  work: (context: CommandContext, method: string) => Promise<T>,
): Promise<T> {
  const { result } = await deps.uow.run({ actor, organizationId: user.organizationId }, async (context) => {
    const method = await deps.mfa.verify(context.em, user.userId, code);
    if (!method) return { refused: true as const };
    return { refused: false as const, value: await work(context, method) };
  });
  if (result.refused) {
    await deps.uow.run({ actor, organizationId: user.organizationId }, async (context) => {
      context.record({ type: 'auth.mfa_failed', organizationId: user.organizationId, subject: { type: 'user', id: user.userId }, payload: { purpose } });
    });
    throw new InvalidMfaCodeError();
  }
  return result.value;
}

@CommandHandler(DisableMfaCommand)
export class DisableMfaHandler implements ICommandHandler<DisableMfaCommand, void> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly mfa: Mfa,
  ) {}

  async execute({ user, code, actor }: DisableMfaCommand): Promise<void> {
    await withCode({ uow: this.uow, mfa: this.mfa }, user, code, asUser(actor, user), 'disable', async (context, method) => {
      await this.mfa.remove(context.em, user.userId);
      context.record({ type: 'mfa.disabled', organizationId: user.organizationId, subject: { type: 'user', id: user.userId }, payload: { confirmedWith: method } });
    });
  }
}

@CommandHandler(RegenerateRecoveryCodesCommand)
export class RegenerateRecoveryCodesHandler implements ICommandHandler<RegenerateRecoveryCodesCommand, RecoveryCodes> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly mfa: Mfa,
  ) {}

  async execute({ user, code, actor }: RegenerateRecoveryCodesCommand): Promise<RecoveryCodes> {
    const recoveryCodes = await withCode({ uow: this.uow, mfa: this.mfa }, user, code, asUser(actor, user), 'recovery_codes', async (context, method) => {
      const codes = await this.mfa.replaceRecoveryCodes(context.em, { id: user.userId, organizationId: user.organizationId });
      context.record({ type: 'mfa.recovery_codes_regenerated', organizationId: user.organizationId, subject: { type: 'user', id: user.userId }, payload: { confirmedWith: method } });
      return codes;
    });
    return { recoveryCodes };
  }
}

@CommandHandler(ResetUserMfaCommand)
export class ResetUserMfaHandler implements ICommandHandler<ResetUserMfaCommand, void> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly mfa: Mfa,
    private readonly users: UserAccounts,
    private readonly organizations: OrganizationDirectory,
    private readonly mail: MailOutbox,
  ) {}

  async execute({ user, actor }: ResetUserMfaCommand): Promise<void> {
    const profile = await this.users.findProfile(user.organizationId, user.userId);
    if (!profile) throw new NotFoundError('User');
    const organization = await this.organizations.findById(user.organizationId);
    await this.uow.run({ actor, organizationId: user.organizationId }, async (context) => {
      const removed = await this.mfa.remove(context.em, user.userId);
      context.record({ type: 'mfa.reset', organizationId: user.organizationId, subject: { type: 'user', id: user.userId }, payload: { hadMfa: removed, severity: 'medium' } });
      if (profile.email) {
        await this.mail.enqueue(context, {
          organizationId: user.organizationId,
          template: MFA_RESET_TEMPLATE,
          to: profile.email,
          data: { organizationName: organization?.name ?? 'your organization', at: new Date().toISOString() },
          subject: { type: 'user', id: user.userId },
          events: { sent: 'mfa.reset_notice_sent', failed: 'mfa.reset_notice_failed' },
        });
      }
    });
  }
}

@CommandHandler(VerifyMfaChallengeCommand)
export class VerifyMfaChallengeHandler implements ICommandHandler<VerifyMfaChallengeCommand, TokenPair | PasswordExpiredStep> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly mfa: Mfa,
    private readonly challenges: Challenges,
    private readonly users: UserAccounts,
    private readonly sessions: SessionStarter,
    private readonly throttle: LoginThrottle,
    private readonly expiry: PasswordExpiry,
  ) {}

  async execute({ mfaToken, code, actor }: VerifyMfaChallengeCommand): Promise<TokenPair | PasswordExpiredStep> {
    const challenge = await this.challenges.find(this.uow.reader(null), mfaToken, 'mfa_verify');
    const user = { organizationId: challenge.organizationId, userId: challenge.userId };
    const profile = await profileOf(this.users, user.organizationId, user.userId);
    const account = this.throttle.accountKey(user.organizationId, profile.email ?? profile.id);
    const actorAsUser = { ...actor, type: 'user' as const, id: user.userId, organizationId: user.organizationId };
    try {
      await withCode({ uow: this.uow, mfa: this.mfa }, user, code, actorAsUser, 'sign_in', async (context, method) => {
        (await this.challenges.find(context.em, mfaToken, 'mfa_verify')).use(new Date());
        context.record({ type: 'auth.mfa_verified', organizationId: user.organizationId, subject: { type: 'user', id: user.userId }, payload: { method } });
      });
    } catch (error) {
      if (!(error instanceof InvalidMfaCodeError)) throw error;
      // guessing codes counts toward the same lockout as guessing passwords
      const outcome = await this.throttle.recordFailure(account, actor.ip);
      await sleep(this.throttle.delayMs(outcome.failures));
      throw new DomainError('AUTH.INVALID_MFA_CODE', 'unauthenticated', 'The code is not valid');
    }
    await this.throttle.recordSuccess(account);
    const candidate = await this.users.findForSignIn(user.organizationId, profile.email ?? '');
    const expired = candidate ? await this.expiry.check(actor, candidate) : null;
    return expired ?? this.sessions.start(actor, profile, 'password_mfa');
  }
}

@CommandHandler(StartChallengedEnrolmentCommand)
export class StartChallengedEnrolmentHandler implements ICommandHandler<StartChallengedEnrolmentCommand, TotpEnrolment> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly challenges: Challenges,
    private readonly mfa: Mfa,
    private readonly users: UserAccounts,
    private readonly organizations: OrganizationDirectory,
  ) {}

  async execute({ mfaToken, actor }: StartChallengedEnrolmentCommand): Promise<TotpEnrolment> {
    const challenge = await this.challenges.find(this.uow.reader(null), mfaToken, 'mfa_enroll');
    const profile = await profileOf(this.users, challenge.organizationId, challenge.userId);
    const organization = await this.organizations.findById(challenge.organizationId);
    const user = { organizationId: challenge.organizationId, userId: challenge.userId };
    const { result } = await this.uow.run({ actor: asUser({ ...actor, type: 'user', id: user.userId }, user), organizationId: user.organizationId }, ({ em }) =>
      this.mfa.beginEnrolment(em, profile, `Gatehouse (${organization?.name ?? 'organization'})`),
    );
    return result;
  }
}

@CommandHandler(ConfirmChallengedEnrolmentCommand)
export class ConfirmChallengedEnrolmentHandler implements ICommandHandler<ConfirmChallengedEnrolmentCommand, RecoveryCodes & TokenPair> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly challenges: Challenges,
    private readonly mfa: Mfa,
    private readonly users: UserAccounts,
    private readonly sessions: SessionStarter,
  ) {}

  async execute({ mfaToken, code, actor }: ConfirmChallengedEnrolmentCommand): Promise<RecoveryCodes & TokenPair> {
    const probe = await this.challenges.find(this.uow.reader(null), mfaToken, 'mfa_enroll');
    const user = { organizationId: probe.organizationId, userId: probe.userId };
    const profile = await profileOf(this.users, user.organizationId, user.userId);
    const { result: recoveryCodes } = await this.uow.run(
      { actor: { ...actor, type: 'user', id: user.userId, organizationId: user.organizationId }, organizationId: user.organizationId },
      async ({ em }) => {
        const challenge = await this.challenges.find(em, mfaToken, 'mfa_enroll');
        const codes = await this.mfa.confirmEnrolment(em, { id: user.userId, organizationId: user.organizationId }, code);
        challenge.use(new Date());
        return codes;
      },
    );
    return { recoveryCodes, ...(await this.sessions.start(actor, profile, 'password_mfa')) };
  }
}
