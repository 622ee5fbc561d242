import { X509Certificate } from 'node:crypto';
import type { FieldError } from '../../../../shared/domain-error';
import { DomainError } from '../../../../shared/domain-error';
import { isBuiltInRole } from '../../../access-policy';
import { parseUntrustedXml } from './xml-guard';

export interface SamlAttributeNames {
  email: string;
  name: string;
  groups: string;
}

/** One organization's IdP and mapping settings (API.md, PUT /sso/saml), as stored. */
export interface SamlSettings {
  idpEntityId: string;
  idpSsoUrl: string;
  idpCertificates: string[];
  wantAssertionsSigned: boolean;
  wantResponseSigned: boolean;
  allowIdpInitiated: boolean;
  /** SHA-1 signatures are refused unless this is on; turning it on is an audited change like any other. */
  allowSha1: boolean;
  clockSkewSeconds: number;
  attributes: SamlAttributeNames;
  defaultRole: string;
  roleMapping: { group: string; role: string }[];
  teamMapping: { group: string; teamId: string }[];
  jitProvisioning: boolean;
  domains: string[];
  ssoOnly: boolean;
  /** AuthnContextClassRefs that show the IdP itself required a second factor. */
  mfaAuthnContexts: string[];
}

export const MAX_CLOCK_SKEW_SECONDS = 180;

export const DEFAULT_MFA_AUTHN_CONTEXTS = [
  'http://schemas.microsoft.com/claims/multipleauthn',
  'https://refeds.org/profile/mfa',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorUnregistered',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken',
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const KNOWN = [
  'enabled', 'idpMetadataXml', 'idpEntityId', 'idpSsoUrl', 'idpCertificates', 'wantAssertionsSigned', 'wantResponseSigned',
  'allowIdpInitiated', 'allowSha1', 'clockSkewSeconds', 'attributes', 'defaultRole', 'roleMapping', 'teamMapping',
  'jitProvisioning', 'domains', 'ssoOnly', 'mfaAuthnContexts',
];
const MAX_METADATA_CHARS = 200_000;

export interface ParsedSamlSettings {
  enabled: boolean;
  settings: SamlSettings;
}

/** A certificate as a PEM body we can pin, or null when it is not an X.509 certificate. */
export function normalizeCertificate(value: string): string | null {
  const body = value.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(body)) return null;
  const pem = `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  try {
    new X509Certificate(pem);
    return pem;
  } catch {
    return null;
  }
}

export function certificateExpiry(pem: string): Date {
  return new Date(new X509Certificate(pem).validTo);
}

/** Entity id, redirect-binding SSO URL and signing certificates out of IdP metadata. */
export function readIdpMetadata(xml: string): { idpEntityId: string; idpSsoUrl: string; idpCertificates: string[] } {
  const doc = parseUntrustedXml(xml);
  const root = doc.documentElement!;
  const entity = root.localName === 'EntityDescriptor' ? root : Array.from(root.getElementsByTagNameNS('*', 'EntityDescriptor'))[0];
  const idp = entity && Array.from(entity.getElementsByTagNameNS('*', 'IDPSSODescriptor'))[0];
  if (!entity || !idp) throw new Error('no IDPSSODescriptor');
  const services = Array.from(idp.getElementsByTagNameNS('*', 'SingleSignOnService'));
  const redirect = services.find((s) => s.getAttribute('Binding') === 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect');
  const certificates = Array.from(idp.getElementsByTagNameNS('*', 'KeyDescriptor'))
    .filter((k) => (k.getAttribute('use') ?? 'signing') === 'signing')
    .flatMap((k) => Array.from(k.getElementsByTagNameNS('*', 'X509Certificate')).map((c) => c.textContent ?? ''));
  return { idpEntityId: entity.getAttribute('entityID') ?? '', idpSsoUrl: redirect?.getAttribute('Location') ?? '', idpCertificates: certificates };
}

function bool(errors: FieldError[], root: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const value = root[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') errors.push({ field, message: 'must be true or false' });
  return value === true;
}

function text(errors: FieldError[], value: unknown, field: string, max = 1024): string {
  if (typeof value !== 'string' || !value.trim() || value.length > max) {
    errors.push({ field, message: `must be a non-empty string of at most ${max} characters` });
    return '';
  }
  return value.trim();
}

function list(errors: FieldError[], value: unknown, field: string, max: number): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > max) {
    errors.push({ field, message: `must be a list of at most ${max} entries` });
    return [];
  }
  return value;
}

function httpsOrLocalUrl(errors: FieldError[], value: string, field: string): void {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error();
  } catch {
    errors.push({ field, message: 'must be an http(s) URL' });
  }
}

/**
 * Validates a whole PUT /sso/saml body. Every bad field is named; a setting that would
 * accept a response signed neither on the response nor on the assertion is refused.
 */
export function parseSamlSettings(input: unknown): ParsedSamlSettings {
  const errors: FieldError[] = [];
  const root = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : null;
  if (!root) throw new DomainError('SSO.INVALID_SETTINGS', 'invalid', 'The SSO settings are not valid', [{ field: 'body', message: 'must be an object' }]);
  for (const key of Object.keys(root)) if (!KNOWN.includes(key)) errors.push({ field: key, message: 'is not a known setting' });

  let idp = { idpEntityId: root.idpEntityId, idpSsoUrl: root.idpSsoUrl, idpCertificates: root.idpCertificates };
  if (root.idpMetadataXml !== undefined) {
    if (typeof root.idpMetadataXml !== 'string' || root.idpMetadataXml.length > MAX_METADATA_CHARS) {
      errors.push({ field: 'idpMetadataXml', message: `must be IdP metadata XML of at most ${MAX_METADATA_CHARS} characters` });
    } else {
      try {
        const fromMetadata = readIdpMetadata(root.idpMetadataXml);
        idp = {
          idpEntityId: root.idpEntityId ?? fromMetadata.idpEntityId,
          idpSsoUrl: root.idpSsoUrl ?? fromMetadata.idpSsoUrl,
          idpCertificates: root.idpCertificates ?? fromMetadata.idpCertificates,
        };
      } catch {
        errors.push({ field: 'idpMetadataXml', message: 'is not IdP metadata we can read (an EntityDescriptor with an IDPSSODescriptor, no DOCTYPE)' });
      }
    }
  }
  const idpEntityId = text(errors, idp.idpEntityId, 'idpEntityId');
  const idpSsoUrl = text(errors, idp.idpSsoUrl, 'idpSsoUrl', 2048);
  if (idpSsoUrl) httpsOrLocalUrl(errors, idpSsoUrl, 'idpSsoUrl');
  const rawCerts = list(errors, idp.idpCertificates, 'idpCertificates', 5);
  const idpCertificates = rawCerts.map((c, i) => {
    const pem = typeof c === 'string' ? normalizeCertificate(c) : null;
    if (!pem) errors.push({ field: `idpCertificates[${i}]`, message: 'must be a PEM or base64 X.509 certificate' });
    return pem ?? '';
  });
  if (!rawCerts.length) errors.push({ field: 'idpCertificates', message: 'must hold at least one signing certificate of the IdP' });

  const wantAssertionsSigned = bool(errors, root, 'wantAssertionsSigned', true);
  const wantResponseSigned = bool(errors, root, 'wantResponseSigned', false);
  if (!wantAssertionsSigned && !wantResponseSigned) {
    errors.push({ field: 'wantAssertionsSigned', message: 'a connection must require a signed response or a signed assertion (or both)' });
  }
  const clockSkewSeconds = root.clockSkewSeconds ?? 60;
  if (typeof clockSkewSeconds !== 'number' || !Number.isInteger(clockSkewSeconds) || clockSkewSeconds < 0 || clockSkewSeconds > MAX_CLOCK_SKEW_SECONDS) {
    errors.push({ field: 'clockSkewSeconds', message: `must be a whole number from 0 to ${MAX_CLOCK_SKEW_SECONDS}` });
  }
  const attributesIn = root.attributes ?? {};
  const attributes: SamlAttributeNames = { email: 'email', name: 'name', groups: 'groups' };
  if (typeof attributesIn !== 'object' || attributesIn === null || Array.isArray(attributesIn)) {
    errors.push({ field: 'attributes', message: 'must be an object { email, name, groups }' });
  } else {
    for (const [key, value] of Object.entries(attributesIn as Record<string, unknown>)) {
      if (key !== 'email' && key !== 'name' && key !== 'groups') errors.push({ field: `attributes.${key}`, message: 'is not a known attribute' });
      else attributes[key] = text(errors, value, `attributes.${key}`, 256);
    }
  }
  const defaultRole = root.defaultRole ?? 'Viewer';
  if (typeof defaultRole !== 'string' || !isBuiltInRole(defaultRole)) {
    errors.push({ field: 'defaultRole', message: 'must be a built-in role (Administrator, Manager, Developer, Viewer)' });
  }
  const roleMapping = list(errors, root.roleMapping, 'roleMapping', 200).map((entry, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const group = text(errors, e.group, `roleMapping[${i}].group`, 256);
    if (typeof e.role !== 'string' || !isBuiltInRole(e.role)) errors.push({ field: `roleMapping[${i}].role`, message: 'must be a built-in role' });
    return { group, role: String(e.role) };
  });
  const teamMapping = list(errors, root.teamMapping, 'teamMapping', 200).map((entry, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const group = text(errors, e.group, `teamMapping[${i}].group`, 256);
    if (typeof e.teamId !== 'string' || !UUID.test(e.teamId)) errors.push({ field: `teamMapping[${i}].teamId`, message: 'must be a UUID' });
    return { group, teamId: String(e.teamId).toLowerCase() };
  });
  const domains = list(errors, root.domains, 'domains', 50).map((d, i) => {
    const domain = typeof d === 'string' ? d.trim().toLowerCase() : '';
    if (!DOMAIN.test(domain)) errors.push({ field: `domains[${i}]`, message: 'must be a domain name such as example.com' });
    return domain;
  });
  const mfaAuthnContexts =
    root.mfaAuthnContexts === undefined
      ? DEFAULT_MFA_AUTHN_CONTEXTS
      : list(errors, root.mfaAuthnContexts, 'mfaAuthnContexts', 20).map((c, i) => text(errors, c, `mfaAuthnContexts[${i}]`, 256));
  const enabled = bool(errors, root, 'enabled', false);
  const settings: SamlSettings = {
    idpEntityId,
    idpSsoUrl,
    idpCertificates,
    wantAssertionsSigned,
    wantResponseSigned,
    allowIdpInitiated: bool(errors, root, 'allowIdpInitiated', false),
    allowSha1: bool(errors, root, 'allowSha1', false),
    clockSkewSeconds: clockSkewSeconds as number,
    attributes,
    defaultRole: defaultRole as string,
    roleMapping,
    teamMapping,
    jitProvisioning: bool(errors, root, 'jitProvisioning', true),
    domains: [...new Set(domains)],
    ssoOnly: bool(errors, root, 'ssoOnly', false),
    mfaAuthnContexts,
  };
  if (errors.length) throw new DomainError('SSO.INVALID_SETTINGS', 'invalid', 'The SSO settings are not valid', errors);
  return { enabled, settings };
}

/** The role a set of IdP groups maps to: the most powerful mapped role, else the default. */
export function roleForGroups(settings: Pick<SamlSettings, 'roleMapping' | 'defaultRole'>, groups: readonly string[]): string {
  const order = ['Administrator', 'Manager', 'Developer', 'Viewer'];
  const mapped = settings.roleMapping.filter((m) => groups.includes(m.group)).map((m) => m.role);
  if (!mapped.length) return settings.defaultRole;
  return mapped.sort((a, b) => order.indexOf(a) - order.indexOf(b))[0];
}

export function teamsForGroups(settings: Pick<SamlSettings, 'teamMapping'>, groups: readonly string[]): string[] {
  return [...new Set(settings.teamMapping.filter((m) => groups.includes(m.group)).map((m) => m.teamId))].sort();
}
