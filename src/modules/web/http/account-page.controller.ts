import { Body, Controller, Get, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { toDataURL } from 'qrcode';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { DomainError, NotFoundError } from '../../../shared/domain-error';
import { IdParam } from '../../../shared/id-param';
import type { Principal } from '../../../shared/principal';
import { AbilityFactory, PolicyStore } from '../../access-policy';
import {
  ChangePasswordCommand,
  ConfirmTotpEnrolmentCommand,
  CreateApiKeyCommand,
  DisableMfaCommand,
  ListApiKeysQuery,
  ListSessionsQuery,
  RegenerateRecoveryCodesCommand,
  RevokeApiKeyCommand,
  RevokeSessionsCommand,
  StartTotpEnrolmentCommand,
} from '../../auth';
import { CountUnreadNotificationsQuery, ListNotificationsQuery, MarkNotificationsReadCommand } from '../../notifications';
import { GetAvatarQuery, IN_APP_TOPICS, NOTIFICATION_PREFERENCE_NAMES, RemoveAvatarCommand, SetAvatarCommand, UpdateProfileCommand, UserAccounts, type UserProfile } from '../../users';
import type { MessageKey } from '../pages/messages.en';
import type { PageLanguage } from '../pages/messages';
import { PageCsrfGuard } from '../pages/page-csrf.guard';
import { PageErrorFilter } from '../pages/page-error.filter';
import { PageFlow } from '../pages/page-flow';
import { field, type PageRequest } from '../pages/page-request';
import type { PageSession } from '../pages/page-sessions';
import { passwordRules, weakPasswordMessages } from '../pages/password-rules';
import { waitSentence } from '../pages/wait';

const DAY_MS = 24 * 3600 * 1000;

interface AccountPage {
  request: PageRequest;
  reply: FastifyReply;
  session: PageSession;
  me: UserProfile;
  language: PageLanguage;
  principal: Principal;
}

/**
 * "My account": profile and preferences, picture, password, MFA, sessions, personal API
 * keys and the in-app notifications. Not @Public: the API's authentication guard admits the
 * page session's access token (PageSessionHook), and every change is the same command the
 * /me API runs.
 */
@ApiExcludeController()
@UseGuards(PageCsrfGuard)
@UseFilters(PageErrorFilter)
@Controller()
export class AccountPageController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly users: UserAccounts,
    private readonly abilities: AbilityFactory,
    private readonly policies: PolicyStore,
    private readonly flow: PageFlow,
  ) {}

  @Get('account')
  async profile(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal): Promise<void> {
    const page = await this.page(request, reply, principal);
    await this.show(page, 'account-profile', 'profile', 'account.title', { preferences: this.preferences(page), errors: [] });
  }

  @Post('account/profile')
  async updateProfile(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<void> {
    const page = await this.page(request, reply, principal);
    const input = {
      name: field(body, 'name').trim(),
      phone: field(body, 'phone').trim() || null,
      timezone: field(body, 'timezone').trim() || null,
      locale: field(body, 'locale').trim() || null,
      // an unticked checkbox is simply absent from the form
      notificationPreferences: {
        ...Object.fromEntries(NOTIFICATION_PREFERENCE_NAMES.map((name) => [name, field(body, `pref_${name}`) === 'on'])),
        inApp: Object.fromEntries(IN_APP_TOPICS.map((name) => [name, field(body, `pref_inApp_${name}`) === 'on'])),
      },
    };
    try {
      await this.commands.execute(new UpdateProfileCommand(this.self(principal), input, 'self', actor));
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
      const errors = error.fieldErrors.map((e) => `${e.field}: ${e.message}`);
      return this.show(page, 'account-profile', 'profile', 'account.title', { preferences: this.preferences(page), errors }, 400);
    }
    return this.done(page, 'account.saved', '/account');
  }

  @Get('account/avatar')
  async avatar(@Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal): Promise<void> {
    const avatar = await this.queries.execute(new GetAvatarQuery(principal.organizationId, principal.userId));
    await reply.header('Content-Type', avatar.contentType).header('Cache-Control', 'private, no-cache').send(avatar.image);
  }

  @Post('account/avatar')
  async uploadAvatar(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<void> {
    const page = await this.page(request, reply, principal);
    const upload = body && typeof body === 'object' ? (body as Record<string, unknown>).avatar : undefined;
    try {
      await this.commands.execute(new SetAvatarCommand(this.self(principal), Buffer.isBuffer(upload) && upload.length ? upload : undefined, actor));
    } catch (error) {
      if (!(error instanceof DomainError) || (error.kind !== 'invalid' && error.kind !== 'unavailable')) throw error;
      const errors = error.fieldErrors.length ? error.fieldErrors.map((e) => e.message) : [error.message];
      return this.show(page, 'account-profile', 'profile', 'account.title', { preferences: this.preferences(page), errors }, error.kind === 'invalid' ? 400 : 503);
    }
    return this.done(page, 'avatar.saved', '/account');
  }

  @Post('account/avatar/remove')
  async removeAvatar(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor): Promise<void> {
    const page = await this.page(request, reply, principal);
    await this.commands.execute(new RemoveAvatarCommand(this.self(principal), actor));
    return this.done(page, 'avatar.removed', '/account');
  }

  @Get('account/password')
  async passwordForm(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal): Promise<void> {
    const page = await this.page(request, reply, principal);
    await this.showPassword(page, principal);
  }

  @Post('account/password')
  async changePassword(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<void> {
    const page = await this.page(request, reply, principal);
    const { t } = page.language;
    try {
      await this.commands.execute(new ChangePasswordCommand(principal, field(body, 'currentPassword').slice(0, 1024), field(body, 'newPassword').slice(0, 1024), actor));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.code === 'AUTH.WRONG_PASSWORD') return this.showPassword(page, principal, [t('password.wrongCurrent')], 400);
      if (error.kind === 'invalid') return this.showPassword(page, principal, null, 400, error);
      if (error.kind === 'too_many_requests') return this.showPassword(page, principal, [this.wait(page, error)], 429);
      throw error;
    }
    return this.done(page, 'password.changed', '/account/password');
  }

  @Get('account/mfa')
  async mfa(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal): Promise<void> {
    const page = await this.page(request, reply, principal);
    await this.show(page, 'account-mfa', 'mfa', 'mfaAccount.title', { enabled: page.me.mfaEnabled });
  }

  @Post('account/mfa/enrol')
  async startEnrolment(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor): Promise<void> {
    const page = await this.page(request, reply, principal);
    page.session.data.enrolment = await this.commands.execute(new StartTotpEnrolmentCommand(this.self(principal), actor));
    await this.flow.redirect(reply, page.session, '/account/mfa/enrol');
  }

  @Get('account/mfa/enrol')
  async enrolment(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal): Promise<void> {
    const page = await this.page(request, reply, principal);
    if (!page.session.data.enrolment) return this.flow.redirect(reply, page.session, '/account/mfa');
    await this.showEnrolment(page);
  }

  @Post('account/mfa/enrol/confirm')
  async confirmEnrolment(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<void> {
    const page = await this.page(request, reply, principal);
    if (!page.session.data.enrolment) return this.flow.redirect(reply, page.session, '/account/mfa');
    try {
      const { recoveryCodes } = await this.commands.execute(new ConfirmTotpEnrolmentCommand(this.self(principal), field(body, 'code').trim().slice(0, 64), actor));
      delete page.session.data.enrolment;
      page.session.data.recoveryCodes = { codes: recoveryCodes, next: '/account/mfa' };
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'invalid') return this.showEnrolment(page, page.language.t('mfaAccount.wrong'), 400);
      throw error;
    }
    await this.flow.redirect(reply, page.session, '/sign-in/recovery-codes');
  }

  @Post('account/mfa/disable')
  async disableMfa(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<void> {
    const page = await this.page(request, reply, principal);
    try {
      await this.commands.execute(new DisableMfaCommand(this.self(principal), field(body, 'code').trim().slice(0, 64), actor));
    } catch (error) {
      return this.mfaRefused(page, error);
    }
    return this.done(page, 'mfaAccount.disabled', '/account/mfa');
  }

  @Post('account/mfa/recovery-codes')
  async regenerate(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<void> {
    const page = await this.page(request, reply, principal);
    try {
      const { recoveryCodes } = await this.commands.execute(new RegenerateRecoveryCodesCommand(this.self(principal), field(body, 'code').trim().slice(0, 64), actor));
      page.session.data.recoveryCodes = { codes: recoveryCodes, next: '/account/mfa' };
    } catch (error) {
      return this.mfaRefused(page, error);
    }
    await this.flow.redirect(reply, page.session, '/sign-in/recovery-codes');
  }

  @Get('account/sessions')
  async sessions(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal): Promise<void> {
    const page = await this.page(request, reply, principal);
    const sessions = await this.queries.execute(new ListSessionsQuery(principal.organizationId, principal.userId, principal.sessionId));
    await this.show(page, 'account-sessions', 'sessions', 'sessions.title', { sessions });
  }

  @Post('account/sessions/end-others')
  async endOthers(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor): Promise<void> {
    const page = await this.page(request, reply, principal);
    await this.commands.execute(
      new RevokeSessionsCommand({ ...this.self(principal), exceptSessionId: principal.sessionId ?? undefined }, 'revoked_by_user', actor),
    );
    return this.done(page, 'sessions.othersEnded', '/account/sessions');
  }

  @Post('account/sessions/:id/end')
  async endSession(
    @Req() request: PageRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: string,
  ): Promise<void> {
    const page = await this.page(request, reply, principal);
    await this.commands.execute(new RevokeSessionsCommand({ ...this.self(principal), sessionId: id }, 'revoked_by_user', actor));
    // ending this very session is signing out
    if (id === principal.sessionId) return this.flow.redirect(reply, await this.flow.signOut(page.session), '/sign-in');
    return this.done(page, 'sessions.ended', '/account/sessions');
  }

  @Get('account/api-keys')
  async apiKeys(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal): Promise<void> {
    const page = await this.page(request, reply, principal);
    const created = page.session.data.createdKey ?? null;
    delete page.session.data.createdKey;
    await this.showKeys(page, principal, { created });
  }

  @Post('account/api-keys')
  async createKey(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<void> {
    const page = await this.page(request, reply, principal);
    const raw = body && typeof body === 'object' ? (body as Record<string, unknown>).scopes : undefined;
    const scopes = (Array.isArray(raw) ? raw : [raw]).filter((s): s is string => typeof s === 'string');
    const day = /^\d{4}-\d{2}-\d{2}$/.exec(field(body, 'expiresOn'))?.[0];
    // the end of the chosen day, UTC
    const expiresAt = day ? new Date(`${day}T23:59:59.000Z`) : new Date(Number.NaN);
    const values = { name: field(body, 'name').trim().slice(0, 100), scopes, expiresOn: day ?? '' };
    try {
      if (Number.isNaN(expiresAt.getTime())) throw new DomainError('API_KEYS.INVALID', 'invalid', 'invalid', [{ field: 'expiresAt', message: 'choose a date' }]);
      const created = await this.commands.execute(new CreateApiKeyCommand(principal, values.name, scopes, expiresAt, actor));
      page.session.data.createdKey = created.key;
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
      return this.showKeys(page, principal, { values, errors: error.fieldErrors.map((e) => `${e.field}: ${e.message}`) }, 400);
    }
    await this.flow.redirect(reply, page.session, '/account/api-keys');
  }

  @Post('account/api-keys/:id/revoke')
  async revokeKey(
    @Req() request: PageRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: string,
  ): Promise<void> {
    const page = await this.page(request, reply, principal);
    await this.commands.execute(new RevokeApiKeyCommand(principal.organizationId, principal.userId, id, actor));
    return this.done(page, 'keys.revoked', '/account/api-keys');
  }

  @Get('account/notifications')
  async notifications(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal): Promise<void> {
    const page = await this.page(request, reply, principal);
    const feed = await this.queries.execute(new ListNotificationsQuery(principal, { unread: false, limit: 50 }));
    await this.show(page, 'account-notifications', 'notifications', 'notifications.title', { feed });
  }

  @Post('account/notifications/read-all')
  async readAllNotifications(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor): Promise<void> {
    const page = await this.page(request, reply, principal);
    await this.commands.execute(new MarkNotificationsReadCommand(principal, 'all', actor));
    return this.done(page, 'notifications.marked', '/account/notifications');
  }

  @Post('account/notifications/:id/read')
  async readNotification(
    @Req() request: PageRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: string,
  ): Promise<void> {
    const page = await this.page(request, reply, principal);
    await this.commands.execute(new MarkNotificationsReadCommand(principal, { id }, actor));
    return this.done(page, 'notifications.marked', '/account/notifications');
  }

  @Post('sign-out')
  async signOut(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor): Promise<void> {
    if (principal.sessionId) {
      await this.commands.execute(new RevokeSessionsCommand({ ...this.self(principal), sessionId: principal.sessionId }, 'logout', actor));
    }
    const anonymous = await this.flow.signOut(this.flow.session(request));
    this.flow.notify(anonymous, 'signIn.signedOut');
    await this.flow.redirect(reply, anonymous, '/sign-in');
  }

  private async page(request: PageRequest, reply: FastifyReply, principal: Principal): Promise<AccountPage> {
    const me = await this.users.findProfile(principal.organizationId, principal.userId);
    if (!me) throw new NotFoundError('User');
    return { request, reply, session: this.flow.session(request), me, language: this.flow.language(request, me.locale), principal };
  }

  private async show(page: AccountPage, template: string, section: string, title: MessageKey, model: Record<string, unknown>, status = 200): Promise<void> {
    // for the navigation's count beside Notifications; a change that redirects shows no page
    const unread = await this.queries.execute(new CountUnreadNotificationsQuery(page.principal));
    await this.flow.render(
      page.reply,
      page.session,
      template,
      { language: page.language, title: page.language.t(title), user: page.me, me: page.me, section, unread, ...model },
      status,
    );
  }

  private async done(page: AccountPage, notice: MessageKey, location: string): Promise<void> {
    this.flow.notify(page.session, notice);
    await this.flow.redirect(page.reply, page.session, location);
  }

  private async showPassword(page: AccountPage, principal: Principal, errors: string[] | null = null, status = 200, refusal?: DomainError): Promise<void> {
    const policy = (await this.policies.get(principal.organizationId)).document.password;
    const messages = refusal ? weakPasswordMessages(page.language.t, refusal, policy) : (errors ?? []);
    await this.show(page, 'account-password', 'password', 'password.title', { rules: passwordRules(page.language.t, policy), errors: messages }, status);
  }

  private async showEnrolment(page: AccountPage, error: string | null = null, status = 200): Promise<void> {
    const enrolment = page.session.data.enrolment!;
    await this.show(
      page,
      'enrol',
      'mfa',
      'enrol.title',
      {
        required: false,
        action: '/account/mfa/enrol/confirm',
        secret: enrolment.secret,
        qr: await toDataURL(enrolment.otpauthUri, { errorCorrectionLevel: 'M', margin: 2, width: 232 }),
        error,
      },
      status,
    );
  }

  private async mfaRefused(page: AccountPage, error: unknown): Promise<void> {
    if (!(error instanceof DomainError)) throw error;
    const message =
      error.kind === 'invalid' ? page.language.t('mfaAccount.wrong') : error.kind === 'too_many_requests' ? this.wait(page, error) : null;
    if (!message) throw error;
    await this.show(page, 'account-mfa', 'mfa', 'mfaAccount.title', { enabled: page.me.mfaEnabled, error: message }, error.kind === 'invalid' ? 400 : 429);
  }

  private async showKeys(
    page: AccountPage,
    principal: Principal,
    extra: { created?: string | null; values?: { name: string; scopes: string[]; expiresOn: string }; errors?: string[] },
    status = 200,
  ): Promise<void> {
    const keys = await this.queries.execute(new ListApiKeysQuery(principal.organizationId, principal.userId));
    const defaultExpiry = new Date(this.flow.now().getTime() + 90 * DAY_MS).toISOString().slice(0, 10);
    await this.show(
      page,
      'account-api-keys',
      'apiKeys',
      'keys.title',
      {
        keys,
        permissions: this.abilities.permissionsOf(principal.role),
        values: extra.values ?? { name: '', scopes: [], expiresOn: defaultExpiry },
        created: extra.created ?? null,
        errors: extra.errors ?? [],
        maxDate: new Date(this.flow.now().getTime() + 365 * DAY_MS).toISOString().slice(0, 10),
      },
      status,
    );
  }

  private preferences(page: AccountPage) {
    const { notificationPreferences: preferences } = page.me;
    return {
      mail: NOTIFICATION_PREFERENCE_NAMES.map((name) => ({ name, label: page.language.t(`pref.${name}` as MessageKey), on: preferences[name] })),
      inApp: IN_APP_TOPICS.map((name) => ({ name, label: page.language.t(`pref.${name}` as MessageKey), on: preferences.inApp[name] })),
    };
  }

  private wait(page: AccountPage, error: DomainError): string {
    void page.reply.header('Retry-After', String(Math.ceil(error.retryAfterSeconds ?? 60)));
    return waitSentence(page.language.t, 'locked.account', error.retryAfterSeconds ?? 60, this.flow.now());
  }

  private self(principal: Principal) {
    return { organizationId: principal.organizationId, userId: principal.userId };
  }
}
