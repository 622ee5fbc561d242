import { Command } from '@nestjs/cqrs';

export interface StartedSsoLogin {
  /** The IdP's sign-in URL with our signed AuthnRequest. */
  loginUrl: string;
  /** The organization's slug, for the pages to remember. */
  organization: string;
}

/**
 * "Sign in with SSO" from the pages: the person names their organization (its slug) or their
 * work email (or just its domain). Null when no enabled connection answers for it, the same
 * for an unknown organization as for one without SSO.
 */
export class StartSsoLoginCommand extends Command<StartedSsoLogin | null> {
  constructor(
    readonly identifier: string,
    /** Where the ACS sends the browser with its one-time code: a same-origin relative path. */
    readonly relayPath: string,
  ) {
    super();
  }
}
