import { Injectable } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { RouteConfig } from '@nestjs/platform-fastify';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
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

/** The fastify route option that puts a route behind the page session (see PageSessionHook). */
export const PAGE_SESSION_ROUTE = 'pageSession';

/** Marks every route of a page controller as one the page session reaches (PAGE_SESSION_ROUTE). */
export function pageSessionRoutes(controller: abstract new (...args: never[]) => unknown): void {
  const prototype = controller.prototype as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const handler = prototype[name];
    if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
    const config = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ?? {}) as Record<string, unknown>;
    RouteConfig({ ...config, [PAGE_SESSION_ROUTE]: true })(prototype, name, Object.getOwnPropertyDescriptor(prototype, name)!);
  }
}

/**
 * Runs before the guards on the pages' routes only (a fastify onRequest hook of those routes,
 * added when they are registered): finds the page session from its cookie, refreshes its
 * access token when it is about to expire, and hands that token to the API's own
 * authentication guard as a bearer. So a page is authenticated exactly as an API call is
 * (signature, revocation, role), and the API itself never accepts the cookie. A bearer sent
 * by the client is dropped here: the pages authenticate by their session only. (As a Nest
 * middleware it made every request of every route run @fastify/middie's matching.)
 */
@Injectable()
export class PageSessionHook {
  constructor(
    private readonly sessions: PageSessions,
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  readonly onRequest = (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const raw = request.raw as RawPageRequest;
    raw.ip = request.ip;
    raw.id = String(request.id);
    this.attach(raw).then(() => done(), done);
  };

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

