import { Body, Controller, Get, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { toDataURL } from 'qrcode';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, Public } from '../../../shared/decorators';
import { DomainError } from '../../../shared/domain-error';
import { ConfirmChallengedEnrolmentCommand, LoginCommand, ResetPasswordCommand, StartChallengedEnrolmentCommand, VerifyMfaChallengeCommand } from '../../auth';
import { PolicyStore } from '../../access-policy';
import { OrganizationDirectory } from '../../organizations';
import { PageCsrfGuard } from '../pages/page-csrf.guard';
import { PageErrorFilter } from '../pages/page-error.filter';
import { PageFlow } from '../pages/page-flow';
import { cookiesOf, field, ORGANIZATION_COOKIE, type PageRequest } from '../pages/page-request';
import type { PageSession } from '../pages/page-sessions';
import { passwordRules, weakPasswordMessages } from '../pages/password-rules';
import { refusalMessage } from '../pages/refusals';
import { waitSentence } from '../pages/wait';

/** Sign-in and its steps: password, MFA code, MFA enrolment, recovery codes, an expired password. */
@ApiExcludeController()
@Public()
@UseGuards(PageCsrfGuard)
@UseFilters(PageErrorFilter)
@Controller()
export class SignInPageController {
  constructor(
    private readonly commands: CommandBus,
    private readonly flow: PageFlow,
    private readonly policies: PolicyStore,
    private readonly organizations: OrganizationDirectory,
  ) {}

  @Get()
  async home(@Req() request: PageRequest, @Res() reply: FastifyReply): Promise<void> {
    // the account page sends a visitor without a session back to sign-in
    await this.flow.redirect(reply, null, this.flow.session(request).data.tokens ? '/account' : '/sign-in');
  }

  @Get('sign-in')
  async form(@Req() request: PageRequest, @Res() reply: FastifyReply, @Query('returnTo') returnTo?: string, @Query('organization') organization?: string): Promise<void> {
    const session = this.flow.session(request);
    const remembered = organization ?? session.data.organization ?? cookiesOf(request.headers)[ORGANIZATION_COOKIE] ?? '';
    await this.renderForm(request, reply, session, { organization: remembered, email: '', returnTo: this.flow.returnTo(returnTo) ?? '' });
  }

  @Post('sign-in')
  async signIn(@Req() request: PageRequest, @Res() reply: FastifyReply, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<void> {
    const session = this.flow.session(request);
    const values = { organization: field(body, 'organization').trim(), email: field(body, 'email').trim(), returnTo: field(body, 'returnTo') };
    const { t } = this.flow.language(request);
    try {
      const result = await this.commands.execute(new LoginCommand(values.organization.slice(0, 63), values.email.slice(0, 254), field(body, 'password').slice(0, 1024), actor));
      return this.flow.continueSignIn(reply, session, result, this.flow.returnTo(values.returnTo), values.organization.toLowerCase());
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.kind === 'unauthenticated') return this.renderForm(request, reply, session, values, t('signIn.failed'), 401);
      if (error.kind === 'too_many_requests' || error.kind === 'locked') {
        void reply.header('Retry-After', String(Math.ceil(error.retryAfterSeconds ?? 60)));
        const key = error.code === 'AUTH.LOCKED' ? 'locked.account' : 'locked.address';
        return this.renderForm(request, reply, session, values, waitSentence(t, key, error.retryAfterSeconds ?? 60, this.flow.now()), 429);
      }
      const refusal = refusalMessage(error);
      if (refusal) return this.renderForm(request, reply, session, values, t(refusal), 403, error.code === 'AUTH.SSO_ONLY');
      if (error.kind === 'invalid') return this.renderForm(request, reply, session, values, t('signIn.failed'), 400);
      throw error;
    }
  }

  @Get('sign-in/mfa')
  async mfaForm(@Req() request: PageRequest, @Res() reply: FastifyReply): Promise<void> {
    const session = this.flow.session(request);
    if (session.data.step?.kind !== 'mfa') return this.restart(reply, session);
    const language = this.flow.language(request);
    await this.flow.render(reply, session, 'mfa', { language, title: language.t('mfa.title') });
  }

  @Post('sign-in/mfa')
  async verifyMfa(@Req() request: PageRequest, @Res() reply: FastifyReply, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<void> {
    const session = this.flow.session(request);
    const step = session.data.step;
    if (step?.kind !== 'mfa') return this.restart(reply, session);
    const language = this.flow.language(request);
    try {
      const result = await this.commands.execute(new VerifyMfaChallengeCommand(step.token, field(body, 'code').trim().slice(0, 64), actor));
      delete session.data.step;
      return this.flow.continueSignIn(reply, session, result, step.returnTo);
    } catch (error) {
      return this.stepFailed(error, request, reply, session, 'mfa', { language, title: language.t('mfa.title') }, language.t('mfa.wrong'));
    }
  }

  @Get('sign-in/mfa/enrol')
  async enrolForm(@Req() request: PageRequest, @Res() reply: FastifyReply, @CurrentActor() actor: Actor): Promise<void> {
    const session = this.flow.session(request);
    const step = session.data.step;
    if (step?.kind !== 'enrol') return this.restart(reply, session);
    if (!session.data.enrolment) {
      try {
        session.data.enrolment = await this.commands.execute(new StartChallengedEnrolmentCommand(step.token, actor));
      } catch (error) {
        if (error instanceof DomainError && error.kind === 'unauthenticated') return this.restart(reply, session);
        throw error;
      }
    }
    await this.renderEnrol(request, reply, session);
  }

  @Post('sign-in/mfa/enrol')
  async confirmEnrolment(@Req() request: PageRequest, @Res() reply: FastifyReply, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<void> {
    const session = this.flow.session(request);
    const step = session.data.step;
    if (step?.kind !== 'enrol' || !session.data.enrolment) return this.restart(reply, session);
    try {
      const result = await this.commands.execute(new ConfirmChallengedEnrolmentCommand(step.token, field(body, 'code').trim().slice(0, 64), actor));
      delete session.data.step;
      delete session.data.enrolment;
      if ('accessToken' in result) {
        session.data.recoveryCodes = { codes: result.recoveryCodes, next: '' };
        return this.flow.signedIn(reply, session, result, step.returnTo);
      }
      session.data.step = { kind: 'password', token: result.passwordToken, returnTo: step.returnTo };
      session.data.recoveryCodes = { codes: result.recoveryCodes, next: '/sign-in/password' };
      return this.flow.redirect(reply, session, '/sign-in/recovery-codes');
    } catch (error) {
      const language = this.flow.language(request);
      if (error instanceof DomainError && error.kind === 'invalid') return this.renderEnrol(request, reply, session, language.t('mfa.wrong'), 400);
      return this.stepFailed(error, request, reply, session, 'enrol', { language, title: language.t('enrol.title') }, language.t('mfa.wrong'));
    }
  }

  @Get('sign-in/recovery-codes')
  async recoveryCodes(@Req() request: PageRequest, @Res() reply: FastifyReply): Promise<void> {
    const session = this.flow.session(request);
    const shown = session.data.recoveryCodes;
    if (!shown) return this.flow.redirect(reply, null, '/');
    // shown once: a reload after this finds nothing
    delete session.data.recoveryCodes;
    const language = this.flow.language(request);
    await this.flow.render(reply, session, 'recovery-codes', {
      language,
      title: language.t('codes.title'),
      codes: shown.codes,
      next: shown.next || '/account',
      download: `data:text/plain;charset=utf-8,${encodeURIComponent(`${shown.codes.join('\n')}\n`)}`,
    });
  }

  @Get('sign-in/password')
  async expiredForm(@Req() request: PageRequest, @Res() reply: FastifyReply): Promise<void> {
    const session = this.flow.session(request);
    if (session.data.step?.kind !== 'password') return this.restart(reply, session);
    await this.renderExpired(request, reply, session);
  }

  @Post('sign-in/password')
  async expiredSet(@Req() request: PageRequest, @Res() reply: FastifyReply, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<void> {
    const session = this.flow.session(request);
    const step = session.data.step;
    if (step?.kind !== 'password') return this.restart(reply, session);
    try {
      await this.commands.execute(new ResetPasswordCommand(step.token, field(body, 'password').slice(0, 1024), actor));
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'invalid') return this.renderExpired(request, reply, session, error, 400);
      if (error instanceof DomainError && error.kind === 'unauthenticated') return this.restart(reply, session);
      throw error;
    }
    delete session.data.step;
    // a new password ends every session; the person signs in with it, as after a reset
    this.flow.notify(session, 'signIn.passwordChanged');
    await this.flow.redirect(reply, session, step.returnTo ? `/sign-in?returnTo=${encodeURIComponent(step.returnTo)}` : '/sign-in');
  }

  private async renderForm(
    request: PageRequest,
    reply: FastifyReply,
    session: PageSession,
    values: { organization: string; email: string; returnTo: string },
    error: string | null = null,
    status = 200,
    ssoOnly = false,
  ): Promise<void> {
    const language = this.flow.language(request);
    const query = new URLSearchParams({ ...(values.organization ? { organization: values.organization } : {}), ...(values.returnTo ? { returnTo: values.returnTo } : {}) }).toString();
    const ssoLink = `/sign-in/sso${query ? `?${query}` : ''}`;
    await this.flow.render(reply, session, 'sign-in', { language, title: language.t('signIn.title'), values, error, ssoOnly, ssoLink }, status);
  }

  private async renderEnrol(request: PageRequest, reply: FastifyReply, session: PageSession, error: string | null = null, status = 200): Promise<void> {
    const language = this.flow.language(request);
    const enrolment = session.data.enrolment!;
    await this.flow.render(
      reply,
      session,
      'enrol',
      {
        language,
        title: language.t('enrol.title'),
        required: true,
        action: '/sign-in/mfa/enrol',
        secret: enrolment.secret,
        qr: await toDataURL(enrolment.otpauthUri, { errorCorrectionLevel: 'M', margin: 2, width: 232 }),
        error,
      },
      status,
    );
  }

  private async renderExpired(request: PageRequest, reply: FastifyReply, session: PageSession, refusal: DomainError | null = null, status = 200): Promise<void> {
    const language = this.flow.language(request);
    const policy = (await this.policies.get(await this.organizationOf(session))).document.password;
    const rules = passwordRules(language.t, policy);
    const errors = refusal ? weakPasswordMessages(language.t, refusal, policy) : [];
    await this.flow.render(reply, session, 'expired-password', { language, title: language.t('expired.title'), rules, errors }, status);
  }

  private async organizationOf(session: PageSession): Promise<string> {
    const organization = session.data.organization ? await this.organizations.findBySlug(session.data.organization) : null;
    // unknown: PolicyStore answers the defaults, and a refusal still names the rule it broke
    return organization?.id ?? '00000000-0000-0000-0000-000000000000';
  }

  private async stepFailed(
    error: unknown,
    request: PageRequest,
    reply: FastifyReply,
    session: PageSession,
    template: string,
    model: { language: ReturnType<PageFlow['language']>; title: string },
    wrong: string,
  ): Promise<void> {
    if (!(error instanceof DomainError)) throw error;
    if (error.kind === 'invalid') return this.flow.render(reply, session, template, { ...model, error: wrong }, 400);
    // the second factor was right, but where or when the person is refuses them
    const refusal = refusalMessage(error);
    if (refusal) return this.flow.render(reply, session, template, { ...model, error: model.language.t(refusal) }, 403);
    if (error.kind === 'too_many_requests' || error.kind === 'locked') {
      void reply.header('Retry-After', String(Math.ceil(error.retryAfterSeconds ?? 60)));
      const message = waitSentence(model.language.t, error.code === 'AUTH.LOCKED' ? 'locked.account' : 'locked.address', error.retryAfterSeconds ?? 60, this.flow.now());
      return this.flow.render(reply, session, template, { ...model, error: message }, 429);
    }
    if (error.kind === 'unauthenticated') return this.restart(reply, session);
    throw error;
  }

  /** The step expired, was used, or died of wrong codes: back to the start, saying so. */
  private async restart(reply: FastifyReply, session: PageSession): Promise<void> {
    const hadStep = !!session.data.step;
    delete session.data.step;
    delete session.data.enrolment;
    if (hadStep) this.flow.notify(session, 'signIn.again');
    await this.flow.redirect(reply, session, '/sign-in');
  }
}
