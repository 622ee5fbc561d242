import { Body, Controller, Get, Logger, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, Public, Throttle } from '../../../shared/decorators';
import { DomainError } from '../../../shared/domain-error';
import { PolicyStore } from '../../access-policy';
import { CheckPasswordResetQuery, RequestPasswordResetCommand, ResetPasswordCommand } from '../../auth';
import { PageCsrfGuard } from '../pages/page-csrf.guard';
import { PageErrorFilter } from '../pages/page-error.filter';
import { PageFlow } from '../pages/page-flow';
import { cookiesOf, field, ORGANIZATION_COOKIE, type PageRequest } from '../pages/page-request';
import type { PageSession } from '../pages/page-sessions';
import { passwordRules, weakPasswordMessages } from '../pages/password-rules';

/** "Forgot password" and the page the mailed reset link opens. */
@ApiExcludeController()
@Public()
@UseGuards(PageCsrfGuard)
@UseFilters(PageErrorFilter)
@Controller('password')
export class PasswordPageController {
  private readonly logger = new Logger(PasswordPageController.name);

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly flow: PageFlow,
    private readonly policies: PolicyStore,
  ) {}

  @Get('forgot')
  async forgotForm(@Req() request: PageRequest, @Res() reply: FastifyReply): Promise<void> {
    const session = this.flow.session(request);
    const organization = session.data.organization ?? cookiesOf(request.headers)[ORGANIZATION_COOKIE] ?? '';
    const language = this.flow.language(request);
    await this.flow.render(reply, session, 'forgot', { language, title: language.t('forgot.title'), values: { organization, email: '' }, sent: false });
  }

  @Post('forgot')
  @Throttle('passwordForgot')
  async forgot(@Req() request: PageRequest, @Res() reply: FastifyReply, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<void> {
    const session = this.flow.session(request);
    const values = { organization: field(body, 'organization').trim().slice(0, 63), email: field(body, 'email').trim().slice(0, 254) };
    // remembered for the sign-in that follows the reset
    if (/^[a-z0-9-]{1,63}$/i.test(values.organization)) session.data.organization = values.organization.toLowerCase();
    // the same answer, at the same speed, whether or not the account exists (as the API does)
    this.commands
      .execute(new RequestPasswordResetCommand(values.organization, values.email, actor))
      .catch((error: Error) => this.logger.error(`password reset request failed: ${error.message}`));
    const language = this.flow.language(request);
    await this.flow.render(reply, session, 'forgot', { language, title: language.t('forgot.title'), values, sent: true });
  }

  @Get('reset/:token')
  async resetForm(@Req() request: PageRequest, @Res() reply: FastifyReply, @Param('token') token: string): Promise<void> {
    const session = this.flow.session(request);
    await this.render(request, reply, session, token);
  }

  @Post('reset/:token')
  async reset(@Req() request: PageRequest, @Res() reply: FastifyReply, @Param('token') token: string, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<void> {
    const session = this.flow.session(request);
    try {
      await this.commands.execute(new ResetPasswordCommand(token.slice(0, 256), field(body, 'password').slice(0, 1024), actor));
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'invalid') return this.render(request, reply, session, token, error, 400);
      if (error instanceof DomainError && error.kind === 'unauthenticated') return this.unusable(request, reply, session);
      throw error;
    }
    // every session ended with the reset, this browser's too: sign in with the new password
    const signedOut = await this.flow.signOut(session);
    this.flow.notify(signedOut, 'signIn.passwordChanged');
    await this.flow.redirect(reply, signedOut, '/sign-in');
  }

  /** The organization whose rules apply, or null when the link cannot be used. */
  private async organizationOf(token: string): Promise<string | null> {
    try {
      return (await this.queries.execute(new CheckPasswordResetQuery(token.slice(0, 256)))).organizationId;
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'unauthenticated') return null;
      throw error;
    }
  }

  private async render(request: PageRequest, reply: FastifyReply, session: PageSession, token: string, refusal: DomainError | null = null, status = 200): Promise<void> {
    const organizationId = await this.organizationOf(token);
    if (!organizationId) return this.unusable(request, reply, session);
    const language = this.flow.language(request);
    const policy = (await this.policies.get(organizationId)).document.password;
    await this.flow.render(
      reply,
      session,
      'reset',
      {
        language,
        title: language.t('reset.title'),
        action: `/password/reset/${encodeURIComponent(token)}`,
        rules: passwordRules(language.t, policy),
        errors: refusal ? weakPasswordMessages(language.t, refusal, policy) : [],
      },
      status,
    );
  }

  private async unusable(request: PageRequest, reply: FastifyReply, session: PageSession): Promise<void> {
    const language = this.flow.language(request);
    await this.flow.render(reply, session, 'error', { language, title: language.t('reset.unusable.title'), message: language.t('reset.unusable'), forgotLink: true }, 410);
  }
}
