import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { TenantOwned } from '../../../../infrastructure/database/tenant';
import { recordEvent } from '../../../../shared/domain-event';
import type { SamlSettings } from './saml-settings';

/** What an auditor sees of the settings: certificates by fingerprint only, never our private key. */
export type RedactedSettings = Omit<SamlSettings, 'idpCertificates'> & { enabled: boolean; idpCertificates: string[] };

/**
 * An organization's SAML connection: the IdP it trusts and how its answers map to accounts.
 * Our SP private key is sealed at rest (SecretBox, bound to the connection id).
 */
@Entity({ tableName: 'saml_connections' })
@TenantOwned()
export class SamlConnection {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'boolean' })
  enabled!: boolean;

  @Property({ type: 'json' })
  settings!: SamlSettings;

  @Property({ type: 'text' })
  spCertificate!: string;

  @Property({ type: 'text', lazy: true })
  spPrivateKey!: string;

  @Property({ type: 'Date', nullable: true })
  certificateWarnedAt: Date | null = null;

  @Property({ type: 'integer', version: true })
  version!: number & Opt;

  @Property({ type: 'Date' })
  createdAt!: Date;

  @Property({ type: 'Date' })
  updatedAt!: Date;

  static create(input: {
    id: string;
    organizationId: string;
    enabled: boolean;
    settings: SamlSettings;
    spCertificate: string;
    sealedSpPrivateKey: string;
    now: Date;
    redact: (enabled: boolean, settings: SamlSettings) => RedactedSettings;
  }): SamlConnection {
    const connection = new SamlConnection();
    Object.assign(connection, {
      id: input.id,
      organizationId: input.organizationId,
      enabled: input.enabled,
      settings: input.settings,
      spCertificate: input.spCertificate,
      spPrivateKey: input.sealedSpPrivateKey,
      createdAt: input.now,
      updatedAt: input.now,
    });
    recordEvent(connection, {
      type: 'sso.settings_changed',
      organizationId: input.organizationId,
      subject: { type: 'saml_connection', id: input.id },
      payload: { before: null, after: input.redact(input.enabled, input.settings) },
    });
    return connection;
  }

  /** Replaces the settings; the event carries before and after, redacted. Nothing changed: no event. */
  replace(enabled: boolean, settings: SamlSettings, now: Date, redact: (enabled: boolean, settings: SamlSettings) => RedactedSettings): boolean {
    const before = redact(this.enabled, this.settings);
    const after = redact(enabled, settings);
    if (JSON.stringify(before) === JSON.stringify(after)) return false;
    this.enabled = enabled;
    this.settings = settings;
    this.updatedAt = now;
    this.certificateWarnedAt = null;
    recordEvent(this, {
      type: 'sso.settings_changed',
      organizationId: this.organizationId,
      subject: { type: 'saml_connection', id: this.id },
      payload: { before, after, ...(before.allowSha1 !== after.allowSha1 ? { sha1Switched: after.allowSha1 } : {}) },
    });
    return true;
  }

  /** A certificate of the IdP or ours ends within the warning window (once per change of settings). */
  warnCertificateExpiry(certificates: { fingerprint: string; owner: 'idp' | 'sp'; expiresAt: string }[], now: Date): void {
    this.certificateWarnedAt = now;
    recordEvent(this, {
      type: 'sso.certificate_expiring',
      organizationId: this.organizationId,
      subject: { type: 'saml_connection', id: this.id },
      payload: { certificates },
    });
  }
}
