import { Catch, HttpException, Logger, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from '../../../shared/domain-error';
import { RefusalObserver } from '../../../shared/problem-details.filter';
import { PageFlow } from './page-flow';
import { type PageRequest } from './page-request';
import { refusalMessage } from './refusals';
import { waitSentence } from './wait';

/**
 * The pages' answer to what their handlers do not handle themselves: people get a page,
 * never problem+json. An ended session leads back to sign-in (and then to where they were);
 * a throttle says when to try again.
 */
@Catch()
export class PageErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Pages');

  constructor(
    private readonly flow: PageFlow,
    @Optional() private readonly observer?: RefusalObserver,
  ) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const request = http.getRequest<PageRequest>();
    const reply = http.getResponse<FastifyReply>();
    // a page's refused command reaches the audit trail as an API call's does
    this.observer?.failed(request, exception);
    const language = this.flow.language(request);
    const { t } = language;
    const session = this.flow.session(request);
    const kind = exception instanceof DomainError ? exception.kind : exception instanceof HttpException ? httpKind(exception.getStatus()) : null;

    if (kind === 'unauthenticated') {
      if (session.data.tokens) {
        delete session.data.tokens;
        this.flow.notify(session, 'signIn.sessionEnded');
      }
      const here = request.method === 'GET' ? this.flow.returnTo(request.url) : null;
      return this.flow.redirect(reply, session, here && here !== '/' ? `/sign-in?returnTo=${encodeURIComponent(here)}` : '/sign-in');
    }
    if (exception instanceof DomainError && exception.code === 'PAGES.CSRF') {
      return this.flow.render(reply, session, 'error', { language, title: t('error.csrf.title'), message: t('error.csrf') }, 403);
    }
    if (kind === 'too_many_requests') {
      const retryAfter = exception instanceof DomainError ? (exception.retryAfterSeconds ?? 60) : 60;
      void reply.header('Retry-After', String(Math.ceil(retryAfter)));
      const key = exception instanceof DomainError && exception.code === 'AUTH.LOCKED' ? 'locked.account' : 'locked.address';
      return this.flow.render(reply, session, 'error', { language, title: t('locked.title'), message: waitSentence(t, key, retryAfter, this.flow.now()) }, 429);
    }
    if (kind === 'not_found') {
      return this.flow.render(reply, session, 'error', { language, title: t('error.notFound.title'), message: t('error.notFound') }, 404);
    }
    const refusal = exception instanceof DomainError ? refusalMessage(exception) : null;
    if (refusal) {
      return this.flow.render(reply, session, 'error', { language, title: t('access.title'), message: t(refusal), ssoLink: exception instanceof DomainError && exception.code === 'AUTH.SSO_ONLY' }, 403);
    }
    if (kind === 'forbidden') {
      return this.flow.render(reply, session, 'error', { language, title: t('error.title'), message: t('error.forbidden') }, 403);
    }
    if (kind === 'invalid' || kind === 'conflict') {
      return this.flow.render(reply, session, 'error', { language, title: t('error.title'), message: t('error.generic') }, 400);
    }
    this.logger.error({ err: exception, requestId: request.id }, 'page failed');
    return this.flow.render(reply, session, 'error', { language, title: t('error.title'), message: t('error.generic') }, 500);
  }
}

function httpKind(status: number): DomainError['kind'] | null {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'too_many_requests';
  if (status >= 400 && status < 500) return 'invalid';
  return null;
}

