import type { RedactedSettings, SamlConnection } from '../domain/sso/saml-connection.entity';
import type { SamlSettings } from '../domain/sso/saml-settings';
import type { SpEndpoints } from '../infrastructure/sso/saml-connections';

export interface SamlConnectionView {
  id: string;
  version: number;
  settings: RedactedSettings & { idpCertificatePems: string[] };
  serviceProvider: SpEndpoints & { metadataUrl: string; certificate: string };
  updatedAt: string;
}

/** The settings as admins read them back: certificates as sent plus fingerprints; never our private key. */
export function toSamlConnectionView(
  connection: SamlConnection,
  endpoints: SpEndpoints,
  redact: (enabled: boolean, settings: SamlSettings) => RedactedSettings,
): SamlConnectionView {
  return {
    id: connection.id,
    version: connection.version,
    settings: { ...redact(connection.enabled, connection.settings), idpCertificatePems: connection.settings.idpCertificates },
    serviceProvider: { ...endpoints, metadataUrl: endpoints.entityId, certificate: connection.spCertificate },
    updatedAt: connection.updatedAt.toISOString(),
  };
}
