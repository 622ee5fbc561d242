import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Logger } from '@nestjs/common';
import { MailOutbox } from '../../../../infrastructure/mail/mail-outbox';
import { RedisService } from '../../../../infrastructure/queue/redis.service';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { PasswordHasher } from '../../../../infrastructure/security/password-hasher';
import { Revocations } from '../../../../infrastructure/security/revocations';
import { Clock } from '../../../../shared/clock';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../../../../shared/domain-error';
import { OrganizationDirectory } from '../../../organizations';
import { UserAccounts } from '../../../users';
import { Session } from '../../domain/session.entity';
import { Challenges } from '../../infrastructure/challenges';
import { LoginThrottle } from '../../infrastructure/login-throttle';
import { PasswordChanger } from '../../infrastructure/password-changer';
import { PASSWORD_RESET_TEMPLATE } from '../../infrastructure/password-reset.template';
import { RevokeSessionsCommand } from '../revoke-sessions/revoke-sessions.command';
import { ChangePasswordCommand, RequestPasswordResetCommand, ResetPasswordCommand } from './password.commands';

// Password changes, resets and their requests share their collaborators: they live together here.

const RESET_MINUTES = 30;
const RESET_REQUESTS_PER_HOUR = 3;

@CommandHandler(ChangePasswordCommand)
export class ChangePasswordHandler implements ICommandHandler<ChangePasswordCommand, void> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserAccounts,
    private readonly hasher: PasswordHasher,
    private readonly changer: PasswordChanger,
    private readonly commands: CommandBus,
  ) {}

  async execute({ principal, currentPassword, newPassword, actor }: ChangePasswordCommand): Promise<void> {
    if (principal.apiKeyId) throw new ForbiddenError('AUTH.SESSION_REQUIRED', 'Sign in to change your password; an API key cannot');
    const profile = await this.users.findProfile(principal.organizationId, principal.userId);
    if (!profile) throw new NotFoundError('User');
    const currentHash = await this.users.passwordHashOf(principal.organizationId, principal.userId);
    if (!(await this.hasher.verify(currentHash, currentPassword))) {
      throw new InvalidInputError('AUTH.WRONG_PASSWORD', 'currentPassword', 'is not your current password');
    }
    const prepared = await this.changer.prepare({ em: this.uow.reader(principal.organizationId) }, profile, newPassword, 'newPassword');
    await this.uow.run({ actor, organizationId: principal.organizationId }, (context) => this.changer.apply(context, profile, prepared, 'change'));
    await this.commands.execute(
      new RevokeSessionsCommand(
        { organizationId: principal.organizationId, userId: principal.userId, exceptSessionId: principal.sessionId ?? undefined },
        'password_changed',
        actor,
      ),
    );
  }
}

@CommandHandler(RequestPasswordResetCommand)
export class RequestPasswordResetHandler implements ICommandHandler<RequestPasswordResetCommand, void> {
  private readonly logger = new Logger(RequestPasswordResetHandler.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly organizations: OrganizationDirectory,
    private readonly users: UserAccounts,
    private readonly challenges: Challenges,
    private readonly mail: MailOutbox,
    private readonly throttle: LoginThrottle,
    private readonly redis: RedisService,
  ) {}

  async execute({ organization: slug, email, actor }: RequestPasswordResetCommand): Promise<void> {
    const organization = await this.organizations.findBySlug(slug);
    if (!organization) return;
    if (await this.tooMany(this.throttle.accountKey(organization.id, email))) return;
    const user = await this.users.findForSignIn(organization.id, email);
    const found = !!user && user.status === 'active' && !!user.passwordHash;
    await this.uow.run({ actor: { ...actor, organizationId: organization.id }, organizationId: organization.id }, async (context) => {
      context.record({
        type: 'auth.password_reset_requested',
        organizationId: organization.id,
        subject: { type: 'user', id: user?.id ?? null },
        payload: { sent: found },
      });
      if (!found || !user) return;
      const token = this.challenges.issue(context, { organizationId: organization.id, userId: user.id, purpose: 'password_reset', ttlSeconds: RESET_MINUTES * 60 });
      await this.mail.enqueue(context, {
        organizationId: organization.id,
        template: PASSWORD_RESET_TEMPLATE,
        to: email.trim(),
        data: { organizationName: organization.name, link: this.mail.link(`/api/v1/auth/password/reset/${token}`), validMinutes: RESET_MINUTES },
        subject: { type: 'user', id: user.id },
        events: { sent: 'auth.password_reset_mail_sent', failed: 'auth.password_reset_mail_failed' },
      });
    });
  }

  /** At most a few reset mails an hour per address, so the form cannot be used to flood a mailbox. */
  private async tooMany(account: string): Promise<boolean> {
    try {
      const key = this.redis.key('reset-requests', account);
      const [[, count]] = (await this.redis.client.multi().incr(key).expire(key, 3600, 'NX').exec()) as [[unknown, number]];
      return count > RESET_REQUESTS_PER_HOUR;
    } catch (error) {
      this.logger.warn(`reset request throttle unavailable: ${(error as Error).message}`);
      return false;
    }
  }
}

@CommandHandler(ResetPasswordCommand)
export class ResetPasswordHandler implements ICommandHandler<ResetPasswordCommand, void> {
  private readonly logger = new Logger(ResetPasswordHandler.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserAccounts,
    private readonly challenges: Challenges,
    private readonly changer: PasswordChanger,
    private readonly revocations: Revocations,
    private readonly clock: Clock,
  ) {}

  async execute({ token, password, actor }: ResetPasswordCommand): Promise<void> {
    const probe = await this.challenges.find(this.uow.reader(null), token, 'password_reset');
    const profile = await this.users.findProfile(probe.organizationId, probe.userId);
    if (!profile || profile.status !== 'active') throw new NotFoundError('User');
    const prepared = await this.changer.prepare({ em: this.uow.reader(probe.organizationId) }, profile, password);
    const now = this.clock.now();
    await this.uow.run(
      { actor: { ...actor, type: 'user', id: profile.id, organizationId: profile.organizationId }, organizationId: profile.organizationId },
      async (context) => {
        (await this.challenges.find(context.em, token, 'password_reset')).use(now);
        await this.changer.apply(context, profile, prepared, 'reset');
        // whoever knew the old password is signed out everywhere
        const sessions = await context.em.find(Session, { userId: profile.id, revokedAt: null });
        sessions.forEach((session) => session.revoke('password_changed', now));
      },
    );
    await this.revocations
      .revokeUserTokens(profile.id, now.getTime())
      .catch((error: Error) => this.logger.error(`revocation mark not written (tokens expire on their own): ${error.message}`));
  }
}
