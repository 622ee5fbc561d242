import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { Eta } from 'eta';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '../../../infrastructure/config/app-config';
import type { PageLanguage } from './messages';

/** Beside this file in src (tests run the TypeScript) and in dist (nest-cli copies them). */
export const TEMPLATES_DIR = join(__dirname, '..', 'templates');

export interface PageModel {
  language: PageLanguage;
  title: string;
  /** Filled in by PageFlow.render from the session. */
  csrf?: string | null;
  /** The signed-in user, for the header and the account navigation. */
  user?: { name: string | null; email: string | null } | null;
  /** The account section the page shows, to mark it in the navigation. */
  section?: string;
  notice?: string | null;
  error?: string | null;
  [key: string]: unknown;
}

/**
 * Renders the eta templates into complete HTML responses under the pages' own security
 * headers: a CSP that allows no script at all (the pages need none) and no inline style,
 * and no caching, since most pages show personal data or a one-time secret.
 */
@Injectable()
export class PageRenderer {
  private readonly eta = new Eta({ views: TEMPLATES_DIR, autoEscape: true, autoTrim: false, cache: true });
  readonly stylesheet: string;
  private readonly csp: string;

  constructor(config: AppConfig) {
    if (!existsSync(join(TEMPLATES_DIR, 'layout.eta'))) throw new Error(`page templates not found in ${TEMPLATES_DIR}`);
    this.stylesheet = readFileSync(join(TEMPLATES_DIR, 'gatehouse.css'), 'utf8');
    // a form that signs in may be redirected to an allow-listed returnTo: form-action covers redirects too
    const formTargets = ["'self'", ...config.values.pages.returnToOrigins].join(' ');
    this.csp = [
      "default-src 'none'",
      "script-src 'none'",
      "style-src 'self'",
      "img-src 'self' data:",
      `form-action ${formTargets}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; ');
  }

  html(template: string, model: PageModel): string {
    return this.eta.render(`./${template}`, { ...model, t: model.language.t, lang: model.language.lang });
  }

  async send(reply: FastifyReply, template: string, model: PageModel, status = 200): Promise<void> {
    await reply
      .status(status)
      .header('Content-Type', 'text/html; charset=utf-8')
      .header('Content-Security-Policy', this.csp)
      .header('Cache-Control', 'no-store')
      .send(this.html(template, model));
  }
}
