import type { ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Actor } from '../../../shared/actor';
import { Clock } from '../../../shared/clock';
import { DomainError } from '../../../shared/domain-error';
import { RefreshSessionCommand } from '../../auth';
import { PageSessions, type PageSessionData } from './page-sessions';
import { cookiesOf, SESSION_COOKIE, type RawPageRequest } from './page-request';

export function rawActor(request: RawPageRequest): Actor {
  const userAgent = request.headers['user-agent'];
  return {
    type: 'system',
    id: null,
    organizationId: null,
    ip: request.ip ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
    requestId: request.id ? String(request.id) : null,
  };
}

/**
 * Runs before the guards on the pages' routes only: finds the page session from its cookie,
 * refreshes its access token when it is about to expire, and hands that token to the API's
 * own authentication guard as a bearer. So a page is authenticated exactly as an API call is
 * (signature, revocation, role), and the API itself never accepts the cookie. A bearer sent
 * by the client is dropped here: the pages authenticate by their session only.
 */
@Injectable()
export class PageSessionMiddleware implements NestMiddleware {
  constructor(
    private readonly sessions: PageSessions,
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  use(request: RawPageRequest, _response: ServerResponse, next: (error?: unknown) => void): void {
    this.attach(request).then(() => next(), next);
  }

  private async attach(request: RawPageRequest): Promise<void> {
    delete request.headers.authorization;
    let session = await this.sessions.load(cookiesOf(request.headers)[SESSION_COOKIE]);
    if (session?.data.tokens && !this.sessions.isFresh(session)) {
      const refreshed = await this.sessions.refreshOnce(session, (refreshToken) => this.refresh(refreshToken, request));
      session = refreshed ?? (await this.sessions.load(session.id));
    }
    if (session?.data.tokens) request.headers.authorization = `Bearer ${session.data.tokens.accessToken}`;
    request.pageSession = session;
  }

  private async refresh(refreshToken: string, request: RawPageRequest): Promise<PageSessionData['tokens'] | null> {
    try {
      const pair = await this.commands.execute(new RefreshSessionCommand(refreshToken, rawActor(request)));
      return { accessToken: pair.accessToken, refreshToken: pair.refreshToken, accessExpiresAt: this.clock.now().getTime() + pair.expiresIn * 1000 };
    } catch (error) {
      // the session ended (revoked, idle, too old, MFA now required): the pages sign out
      if (error instanceof DomainError && error.kind === 'unauthenticated') return null;
      throw error;
    }
  }
}

