import type { IncomingMessage } from 'node:http';
import type { GatehouseRequest } from '../../../shared/request-context';
import { parseCookies } from './cookies';
import type { PageSession } from './page-sessions';

export const SESSION_COOKIE = 'gh_session';
export const ORGANIZATION_COOKIE = 'gh_organization';

export type RawPageRequest = IncomingMessage & { pageSession?: PageSession | null; ip?: string; id?: string };

/** A page request: the API's request with the page session the middleware found (or null). */
export type PageRequest = GatehouseRequest & { raw: RawPageRequest };

export function cookiesOf(headers: IncomingMessage['headers']): Record<string, string | undefined> {
  return parseCookies(headers.cookie);
}

export function pageSessionOf(request: PageRequest): PageSession | null {
  return request.raw.pageSession ?? null;
}

/** A form field as one trimmed-of-nothing string; absent, repeated or non-text fields read as ''. */
export function field(body: unknown, name: string): string {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
}
