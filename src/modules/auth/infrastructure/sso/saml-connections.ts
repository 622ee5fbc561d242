import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../../infrastructure/config/app-config';
import { HotReads } from '../../../../infrastructure/database/hot-reads';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { SecretBox } from '../../../../infrastructure/security/secret-box';
import { OrganizationDirectory, type OrganizationSummary } from '../../../organizations';
import { SamlConnection, type RedactedSettings } from '../../domain/sso/saml-connection.entity';
import type { SamlSettings } from '../../domain/sso/saml-settings';
import { certificateFingerprint } from './self-signed-certificate';
import type { ServiceProvider } from './saml-response-validator';

export interface LoadedConnection {
  organization: OrganizationSummary;
  connection: SamlConnection;
  sp: ServiceProvider;
}

export interface SpEndpoints {
  entityId: string;
  acsUrl: string;
  loginUrl: string;
}

/** An organization's SAML connection with our side of it (the SP key opened from its seal). */
@Injectable()
export class SamlConnections {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly hot: HotReads,
    private readonly box: SecretBox,
    private readonly config: AppConfig,
    private readonly organizations: OrganizationDirectory,
  ) {}

  /** Our endpoints for an organization: the metadata URL is the SP entity id. */
  endpoints(slug: string): SpEndpoints {
    const base = `${this.config.values.publicUrl}/api/v1/auth/sso/${encodeURIComponent(slug)}`;
    return { entityId: `${base}/metadata`, acsUrl: `${base}/acs`, loginUrl: `${base}/login` };
  }

  async forSlug(slug: string): Promise<LoadedConnection | null> {
    const organization = await this.organizations.findBySlug(slug);
    return organization ? this.load(organization) : null;
  }

  async forOrganization(organizationId: string): Promise<LoadedConnection | null> {
    const organization = await this.organizations.findById(organizationId);
    return organization ? this.load(organization) : null;
  }

  /** Whether the organization's enabled connection makes it SSO-only (the policy document may say so too). */
  async ssoOnly(organizationId: string): Promise<boolean> {
    // on the sign-in path (the MFA step's end): a prepared statement on the pool, not an ORM fork
    const [row] = await this.hot.rows<{ sso_only: boolean }>(
      'saml_connections.sso_only',
      `select exists (select 1 from saml_connections where organization_id = $1 and enabled and settings->'ssoOnly' = 'true'::jsonb) as sso_only`,
      [organizationId],
    );
    return row.sso_only;
  }

  /** The slug of the one organization whose enabled connection verified this email domain, else null. */
  async organizationForDomain(domain: string): Promise<string | null> {
    const rows = await this.uow
      .reader(null)
      .getConnection()
      .execute<{ organization_id: string }[]>(`select organization_id from saml_connections where enabled and settings->'domains' @> ?::jsonb limit 2`, [JSON.stringify([domain])]);
    if (rows.length !== 1) return null;
    return (await this.organizations.findById(rows[0].organization_id))?.slug ?? null;
  }

  sealKey(connectionId: string, privateKeyPem: string): string {
    return this.box.seal(privateKeyPem, `saml-sp:${connectionId}`);
  }

  /** Settings as events and the API show them: certificates by fingerprint, no key material. */
  redact(enabled: boolean, settings: SamlSettings): RedactedSettings {
    return { enabled, ...settings, idpCertificates: settings.idpCertificates.map((pem) => `sha256:${certificateFingerprint(pem)}`) };
  }

  private async load(organization: OrganizationSummary): Promise<LoadedConnection | null> {
    const connection = await this.uow
      .reader(organization.id)
      .findOne(SamlConnection, { organizationId: organization.id }, { populate: ['spPrivateKey'] });
    if (!connection) return null;
    const endpoints = this.endpoints(organization.slug);
    return {
      organization,
      connection,
      sp: {
        entityId: endpoints.entityId,
        acsUrl: endpoints.acsUrl,
        certificate: connection.spCertificate,
        privateKey: this.box.open(connection.spPrivateKey, `saml-sp:${connection.id}`),
      },
    };
  }
}
