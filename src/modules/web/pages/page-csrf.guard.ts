import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DomainError } from '../../../shared/domain-error';
import { csrfMatches } from './page-sessions';
import { pageSessionOf, type PageRequest } from './page-request';

export class CsrfRefusedError extends DomainError {
  constructor() {
    super('PAGES.CSRF', 'forbidden', 'The form was sent without a valid CSRF token');
  }
}

/** Every form a page posts carries its session's token; a post without it changes nothing. */
@Injectable()
export class PageCsrfGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<PageRequest>();
    if (request.method === 'GET' || request.method === 'HEAD') return true;
    const sent = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>)._csrf : undefined;
    if (!csrfMatches(pageSessionOf(request), sent)) throw new CsrfRefusedError();
    return true;
  }
}
