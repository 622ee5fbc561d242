import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '../../../infrastructure/config/app-config';
import { Clock } from '../../../shared/clock';
import type { SignInResult, TokenPair } from '../../auth';
import { UserAccounts } from '../../users';
import { serializeCookie } from './cookies';
import { acceptedLanguages, languageFor, type PageLanguage } from './messages';
import { PageRenderer, type PageModel } from './page-renderer';
import { ORGANIZATION_COOKIE, pageSessionOf, SESSION_COOKIE, type PageRequest } from './page-request';
import { PageSessions, type PageSession } from './page-sessions';
import { safeReturnTo } from './return-to';

const YEAR_SECONDS = 365 * 24 * 3600;

/** What every page handler needs: the session, the language, rendering, and the ends of a sign-in. */
@Injectable()
export class PageFlow {
  constructor(
    readonly sessions: PageSessions,
    readonly renderer: PageRenderer,
    private readonly config: AppConfig,
    private readonly users: UserAccounts,
    private readonly clock: Clock,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  /** The browser's page session, or a new anonymous one (saved when the reply is sent). */
  session(request: PageRequest): PageSession {
    return pageSessionOf(request) ?? this.sessions.create();
  }

  language(request: PageRequest, userLocale?: string | null): PageLanguage {
    const header = request.headers['accept-language'];
    return languageFor([userLocale, ...acceptedLanguages(typeof header === 'string' ? header : undefined)]);
  }

  returnTo(value: unknown): string | null {
    return safeReturnTo(value, this.config.values.publicUrl, this.config.values.pages.returnToOrigins);
  }

  /** Saves the session and (re)sets its cookie: HttpOnly, SameSite=Lax, Secure outside development. */
  async commit(reply: FastifyReply, session: PageSession): Promise<void> {
    await this.sessions.save(session);
    this.setCookie(reply, SESSION_COOKIE, session.id, undefined);
  }

  async render(reply: FastifyReply, session: PageSession, template: string, model: PageModel, status = 200): Promise<void> {
    const notice = session.data.notice;
    if (notice) delete session.data.notice;
    await this.commit(reply, session);
    await this.renderer.send(reply, template, { notice: notice ? model.language.t(notice as never) : null, ...model, csrf: session.data.csrf }, status);
  }

  async redirect(reply: FastifyReply, session: PageSession | null, location: string): Promise<void> {
    if (session) await this.commit(reply, session);
    await reply.header('Cache-Control', 'no-store').redirect(location, 303);
  }

  /** A notice for the next page shown (post/redirect/get). */
  notify(session: PageSession, key: string): void {
    session.data.notice = key;
  }

  /**
   * Where a sign-in goes next, whatever proved the first factor: the MFA step, MFA enrolment,
   * an expired password, or a session. The token of a next step stays in the server-side
   * session, never in a URL or a form.
   */
  async continueSignIn(reply: FastifyReply, session: PageSession, result: SignInResult, returnTo: string | null, organization?: string): Promise<void> {
    if (organization) {
      session.data.organization = organization;
      this.setCookie(reply, ORGANIZATION_COOKIE, organization, YEAR_SECONDS);
    }
    if ('accessToken' in result) return this.signedIn(reply, session, result, returnTo);
    if ('passwordExpired' in result) {
      session.data.step = { kind: 'password', token: result.passwordToken, returnTo };
      return this.redirect(reply, session, '/sign-in/password');
    }
    const enrol = 'mfaEnrollmentRequired' in result;
    session.data.step = { kind: enrol ? 'enrol' : 'mfa', token: result.mfaToken, returnTo };
    delete session.data.enrolment;
    return this.redirect(reply, session, enrol ? '/sign-in/mfa/enrol' : '/sign-in/mfa');
  }

  /** Every factor is proved: a new session id (no fixation), the tokens, and off to where the person was going. */
  async signedIn(reply: FastifyReply, session: PageSession, pair: TokenPair, returnTo: string | null): Promise<void> {
    await this.sessions.destroy(session.id);
    const fresh = this.sessions.create({
      organization: session.data.organization,
      recoveryCodes: session.data.recoveryCodes,
      tokens: { accessToken: pair.accessToken, refreshToken: pair.refreshToken, accessExpiresAt: this.clock.now().getTime() + pair.expiresIn * 1000 },
    });
    const next = returnTo ?? '/account';
    if (fresh.data.recoveryCodes) {
      // codes just made at enrolment are shown before anything else
      fresh.data.recoveryCodes.next = next;
      return this.redirect(reply, fresh, '/sign-in/recovery-codes');
    }
    return this.redirect(reply, fresh, next);
  }

  /** Drops the page session; the next page gets a new anonymous one under a new id. */
  async signOut(session: PageSession | null): Promise<PageSession> {
    if (session) await this.sessions.destroy(session.id);
    return this.sessions.create({ organization: session?.data.organization });
  }

  async currentUser(organizationId: string, userId: string) {
    return this.users.findProfile(organizationId, userId);
  }

  private setCookie(reply: FastifyReply, name: string, value: string, maxAge: number | undefined): void {
    const cookie = serializeCookie(name, value, { secure: this.config.values.pages.secureCookies, maxAge });
    const existing = reply.getHeader('set-cookie');
    const list = (Array.isArray(existing) ? existing : existing ? [String(existing)] : []).filter((c) => !c.startsWith(`${name}=`));
    void reply.header('set-cookie', [...list, cookie]);
  }
}
