import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { NotFoundError } from '../../../../shared/domain-error';
import { UserAccounts } from '../../../users';
import { actingAs, activeProfile } from '../../infrastructure/acting-user';
import { Challenges } from '../../infrastructure/challenges';
import { LoginThrottle } from '../../infrastructure/login-throttle';
import { Mfa, type RecoveryCodes } from '../../infrastructure/mfa';
import type { PasswordExpiredStep } from '../../infrastructure/password-expiry';
import { SignInCompletion } from '../../infrastructure/sign-in-completion';
import type { TokenPair } from '../../infrastructure/token-issuer';
import { ConfirmChallengedEnrolmentCommand } from './confirm-challenged-enrolment.command';

@CommandHandler(ConfirmChallengedEnrolmentCommand)
export class ConfirmChallengedEnrolmentHandler implements ICommandHandler<ConfirmChallengedEnrolmentCommand, RecoveryCodes & (TokenPair | PasswordExpiredStep)> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly challenges: Challenges,
    private readonly mfa: Mfa,
    private readonly users: UserAccounts,
    private readonly throttle: LoginThrottle,
    private readonly completion: SignInCompletion,
    private readonly clock: Clock,
  ) {}

  async execute({ mfaToken, code, actor }: ConfirmChallengedEnrolmentCommand): Promise<RecoveryCodes & (TokenPair | PasswordExpiredStep)> {
    const probe = await this.challenges.find(this.uow.reader(null), mfaToken, 'mfa_enroll');
    const user = { organizationId: probe.organizationId, userId: probe.userId };
    const profile = await activeProfile(this.users, user);
    const { result: recoveryCodes } = await this.uow.run({ actor: actingAs({ ...actor, type: 'user', id: user.userId }, user), organizationId: user.organizationId }, async ({ em }) => {
      const challenge = await this.challenges.find(em, mfaToken, 'mfa_enroll');
      const codes = await this.mfa.confirmEnrolment(em, { id: user.userId, organizationId: user.organizationId }, code);
      challenge.use(this.clock.now());
      return codes;
    });
    const candidate = await this.users.findForSignIn(user.organizationId, profile.email ?? '');
    if (!candidate) throw new NotFoundError('User');
    const account = this.throttle.accountKey(user.organizationId, profile.email ?? profile.id);
    return { recoveryCodes, ...(await this.completion.finish(actor, candidate, account, probe.ssoConnectionId)) };
  }
}
