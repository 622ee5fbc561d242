import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '../../../../shared/domain-error';
import { SamlConnections } from '../../infrastructure/sso/saml-connections';
import { SsoLogins } from '../../infrastructure/sso/sso-logins';
import { StartSsoLoginCommand, type StartedSsoLogin } from './start-sso-login.command';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * Finds the organization by slug or by an email domain its enabled connection verified (a
 * domain two organizations claim answers nothing: the person types the organization), then
 * starts an SP-initiated login like GET /auth/sso/:organization/login. Like that route it
 * keeps only the request id and relay path, in Redis; no event: nothing in the store changes.
 */
@CommandHandler(StartSsoLoginCommand)
export class StartSsoLoginHandler implements ICommandHandler<StartSsoLoginCommand, StartedSsoLogin | null> {
  constructor(
    private readonly connections: SamlConnections,
    private readonly logins: SsoLogins,
  ) {}

  async execute(command: StartSsoLoginCommand): Promise<StartedSsoLogin | null> {
    const identifier = command.identifier.trim().toLowerCase();
    const domain = identifier.includes('@') ? identifier.slice(identifier.lastIndexOf('@') + 1) : identifier.includes('.') ? identifier : null;
    let slug: string | null = null;
    if (domain !== null) slug = DOMAIN.test(domain) ? await this.connections.organizationForDomain(domain) : null;
    else if (SLUG.test(identifier)) slug = identifier;
    if (!slug) return null;
    try {
      return { loginUrl: await this.logins.start(slug, command.relayPath, 'login'), organization: slug };
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }
}
