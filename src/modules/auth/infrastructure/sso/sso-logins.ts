import { Injectable } from '@nestjs/common';
import { SAML } from '@node-saml/passport-saml';
import { NotFoundError } from '../../../../shared/domain-error';
import { IdGenerator } from '../../../../shared/ids';
import { safeRelayPath } from '../../domain/sso/relay-path';
import { SamlConnections } from './saml-connections';
import { samlOptions } from './saml-response-validator';
import { SsoState } from './sso-state';

/**
 * Starts an SP-initiated login: a SHA-256-signed AuthnRequest over the redirect binding.
 * The request id, the relay path and the purpose (a login or an admin's dry run) stay with
 * us in Redis; nothing the IdP echoes back decides where the browser goes.
 */
@Injectable()
export class SsoLogins {
  constructor(
    private readonly connections: SamlConnections,
    private readonly state: SsoState,
    private readonly ids: IdGenerator,
  ) {}

  async start(organizationSlug: string, relayState: unknown, mode: 'login' | 'test'): Promise<string> {
    const loaded = await this.connections.forSlug(organizationSlug);
    if (!loaded || (mode === 'login' && !loaded.connection.enabled)) throw new NotFoundError('SSO connection');
    // an NCName, as SAML ids must be
    const requestId = `_${this.ids.secret(20).replace(/[^A-Za-z0-9]/g, 'x')}`;
    const saml = new SAML({ ...samlOptions(loaded.sp, loaded.connection.settings), generateUniqueId: () => requestId });
    const url = await saml.getAuthorizeUrlAsync('', undefined, {});
    await this.state.rememberRequest(requestId, { connectionId: loaded.connection.id, mode, relayPath: safeRelayPath(relayState) });
    return url;
  }

  /** Our SP metadata: entity id, ACS (POST binding), signing certificate, signed requests. */
  async metadata(organizationSlug: string): Promise<string> {
    const loaded = await this.connections.forSlug(organizationSlug);
    if (!loaded) throw new NotFoundError('SSO connection');
    const saml = new SAML(samlOptions(loaded.sp, loaded.connection.settings));
    // one key pair signs our requests and decrypts encrypted assertions
    return saml.generateServiceProviderMetadata(loaded.sp.certificate, loaded.sp.certificate);
  }
}
