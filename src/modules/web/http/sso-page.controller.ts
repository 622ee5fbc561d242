import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { constantTimeEquals } from '../../../infrastructure/security/token-hash';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, Public } from '../../../shared/decorators';
import { DomainError } from '../../../shared/domain-error';
import { ExchangeSsoCodeCommand, StartSsoLoginCommand } from '../../auth';
import type { MessageKey } from '../pages/messages.en';
import { PageCsrfGuard } from '../pages/page-csrf.guard';
import { PageErrorFilter } from '../pages/page-error.filter';
import { PageFlow } from '../pages/page-flow';
import { cookiesOf, field, ORGANIZATION_COOKIE, type PageRequest } from '../pages/page-request';
import type { PageSession } from '../pages/page-sessions';
import { refusalMessage } from '../pages/refusals';

const CALLBACK = '/sign-in/sso/callback';

/**
 * "Sign in with SSO": the person names their organization or work email, we start the
 * organization's SP-initiated SAML login, and the ACS's one-time code comes back to the
 * callback, which spends it here on the server: the tokens go into the page session and
 * never reach the browser. The callback works only in the browser that started the login
 * (a random state kept in its page session), so nobody can sign a victim in as themselves.
 */
@ApiExcludeController()
@Public()
@UseGuards(PageCsrfGuard)
@UseFilters(PageErrorFilter)
@Controller('sign-in/sso')
export class SsoPageController {
  constructor(
    private readonly commands: CommandBus,
    private readonly flow: PageFlow,
  ) {}

  @Get()
  async form(@Req() request: PageRequest, @Res() reply: FastifyReply, @Query('returnTo') returnTo?: string, @Query('organization') organization?: string): Promise<void> {
    const session = this.flow.session(request);
    const remembered = organization ?? session.data.organization ?? cookiesOf(request.headers)[ORGANIZATION_COOKIE] ?? '';
    await this.render(request, reply, session, { identifier: remembered.slice(0, 254), returnTo: this.flow.returnTo(returnTo) ?? '' });
  }

  @Post()
  async start(@Req() request: PageRequest, @Res() reply: FastifyReply, @Body() body: unknown): Promise<void> {
    const session = this.flow.session(request);
    const values = { identifier: field(body, 'identifier').trim().slice(0, 254), returnTo: this.flow.returnTo(field(body, 'returnTo')) ?? '' };
    const state = randomBytes(24).toString('base64url');
    const started = values.identifier ? await this.commands.execute(new StartSsoLoginCommand(values.identifier, `${CALLBACK}?state=${state}`)) : null;
    // an unknown organization and one without SSO get the same answer
    if (!started) return this.render(request, reply, session, values, 'sso.notFound', 404);
    session.data.sso = { state, returnTo: values.returnTo || null, organization: started.organization };
    const language = this.flow.language(request);
    // a page, not a redirect: the pages' CSP lets a form lead only to this origin, and a link may go anywhere
    await this.flow.render(reply, session, 'sso-redirect', { language, title: language.t('sso.redirecting.title'), loginUrl: started.loginUrl, refresh: started.loginUrl });
  }

  @Get('callback')
  async callback(@Req() request: PageRequest, @Res() reply: FastifyReply, @Query('state') state: unknown, @Query('code') code: unknown, @CurrentActor() actor: Actor): Promise<void> {
    const session = this.flow.session(request);
    const pending = session.data.sso;
    delete session.data.sso;
    const values = { identifier: pending?.organization ?? '', returnTo: pending?.returnTo ?? '' };
    if (!pending || typeof state !== 'string' || typeof code !== 'string' || !constantTimeEquals(state, pending.state)) {
      return this.render(request, reply, session, values, 'sso.failed', 401);
    }
    try {
      const result = await this.commands.execute(new ExchangeSsoCodeCommand(code.slice(0, 200), actor));
      return await this.flow.continueSignIn(reply, session, result, pending.returnTo, pending.organization);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const refusal = refusalMessage(error);
      if (refusal) return this.render(request, reply, session, values, refusal, 403);
      if (error.kind === 'unauthenticated') return this.render(request, reply, session, values, 'sso.failed', 401);
      throw error;
    }
  }

  private async render(request: PageRequest, reply: FastifyReply, session: PageSession, values: { identifier: string; returnTo: string }, error: MessageKey | null = null, status = 200): Promise<void> {
    const language = this.flow.language(request);
    const query = new URLSearchParams({ ...(values.returnTo ? { returnTo: values.returnTo } : {}) }).toString();
    await this.flow.render(
      reply,
      session,
      'sso',
      { language, title: language.t('sso.title'), values, error: error ? language.t(error) : null, passwordLink: `/sign-in${query ? `?${query}` : ''}` },
      status,
    );
  }
}
