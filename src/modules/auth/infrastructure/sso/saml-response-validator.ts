import { Injectable } from '@nestjs/common';
import { SAML, ValidateInResponseTo, type SamlConfig } from '@node-saml/passport-saml';
import type { XmlElement } from '@xmldom/xmldom';
import { Clock } from '../../../../shared/clock';
import type { SamlSettings } from '../../domain/sso/saml-settings';
import { SsoLoginFailedError } from '../../domain/sso/sso-login-failed.error';
import { parseUntrustedXml } from '../../domain/sso/xml-guard';

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const STRONG_SIGNATURES = ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512'];
const STRONG_DIGESTS = ['http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2001/04/xmlenc#sha512'];
const SHA1_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
const SHA1_DIGEST = 'http://www.w3.org/2000/09/xmldsig#sha1';
/** An assertion issued longer ago than this (plus the skew) is refused, whatever its NotOnOrAfter says. */
export const MAX_ASSERTION_AGE_MS = 5 * 60_000;

/** Where this SP lives for one connection. */
export interface ServiceProvider {
  entityId: string;
  acsUrl: string;
  certificate: string;
  privateKey: string;
}

/** What a validated response says, taken only from the signed assertion's bytes. */
export interface SamlAssertion {
  nameId: string;
  assertionId: string;
  inResponseTo: string | null;
  notOnOrAfter: Date;
  authnContext: string | null;
  attributes: Record<string, string[]>;
}

function children(parent: XmlElement, ns: string, name: string): XmlElement[] {
  return Array.from(parent.childNodes).filter((n): n is XmlElement => n.nodeType === 1 && (n as XmlElement).localName === name && (n as XmlElement).namespaceURI === ns);
}

function first(parent: XmlElement, ns: string, name: string): XmlElement | undefined {
  return children(parent, ns, name)[0];
}

function fail(reason: string, detail?: string): never {
  throw new SsoLoginFailedError(reason, detail?.slice(0, 200));
}

/** node-saml's options for one connection: SHA-256 requests, pinned certificates, our own InResponseTo check. */
export function samlOptions(sp: ServiceProvider, settings: SamlSettings): SamlConfig {
  return {
    callbackUrl: sp.acsUrl,
    issuer: sp.entityId,
    audience: sp.entityId,
    entryPoint: settings.idpSsoUrl,
    idpIssuer: settings.idpEntityId,
    idpCert: settings.idpCertificates,
    privateKey: sp.privateKey,
    publicCert: sp.certificate,
    decryptionPvk: sp.privateKey,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    wantAssertionsSigned: settings.wantAssertionsSigned,
    wantAuthnResponseSigned: settings.wantResponseSigned,
    acceptedClockSkewMs: settings.clockSkewSeconds * 1000,
    maxAssertionAgeMs: MAX_ASSERTION_AGE_MS,
    // request ids live in Redis (SsoState), shared by every instance, and are spent once
    validateInResponseTo: ValidateInResponseTo.never,
    identifierFormat: null,
    disableRequestedAuthnContext: true,
  };
}

/**
 * Checks a SAMLResponse in layers: what may be parsed at all (base64, no DTD, one root, a
 * Response), which signature algorithms count, then node-saml's signature and condition
 * checks against the pinned certificates, then what node-saml leaves out (Destination,
 * Recipient, Issuer, IssueInstant age, InResponseTo agreement), reading identity only from
 * the bytes the signature covered.
 */
@Injectable()
export class SamlResponseValidator {
  constructor(private readonly clock: Clock) {}

  async validate(sp: ServiceProvider, settings: SamlSettings, samlResponse: unknown): Promise<SamlAssertion> {
    if (typeof samlResponse !== 'string' || !samlResponse) fail('missing_saml_response');
    const compact = samlResponse.replace(/[\r\n\t ]/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) fail('invalid_base64');
    const xml = Buffer.from(compact, 'base64').toString('utf8');

    let root: XmlElement;
    try {
      root = parseUntrustedXml(xml).documentElement!;
    } catch (error) {
      fail((error as Error).message === 'dtd_refused' ? 'dtd_refused' : 'malformed_xml');
    }
    if (root.localName !== 'Response' || root.namespaceURI !== PROTOCOL) fail('not_a_response');
    this.checkAlgorithms(root, settings.allowSha1);
    // one assertion, wherever it hides (Extensions, StatusDetail, ds:Object, Advice): a second
    // one is what signature-wrapping needs, and no IdP sends it
    const assertions = [...Array.from(root.getElementsByTagNameNS('*', 'Assertion')), ...Array.from(root.getElementsByTagNameNS('*', 'EncryptedAssertion'))];
    if (assertions.length > 1) fail('multiple_assertions');

    const status = first(root, PROTOCOL, 'Status');
    const code = status && first(status, PROTOCOL, 'StatusCode');
    const value = code?.getAttribute('Value') ?? '';
    if (value !== 'urn:oasis:names:tc:SAML:2.0:status:Success') {
      // only the status codes, never the IdP's unsigned message
      const nested = code && first(code, PROTOCOL, 'StatusCode')?.getAttribute('Value');
      fail('idp_status', [value, nested].filter(Boolean).map((v) => String(v).split(':').pop()).join('/'));
    }

    const destination = root.getAttribute('Destination');
    if (destination && destination !== sp.acsUrl) fail('destination_mismatch');

    let assertionXml: string;
    try {
      const saml = new SAML(samlOptions(sp, settings));
      const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: compact });
      if (!profile) fail('no_assertion');
      assertionXml = profile.getAssertionXml?.() ?? fail('no_assertion');
    } catch (error) {
      if (error instanceof SsoLoginFailedError) throw error;
      fail('invalid_response', (error as Error).message);
    }
    return this.readSignedAssertion(sp, settings, assertionXml, root.getAttribute('InResponseTo') || null);
  }

  private checkAlgorithms(root: XmlElement, allowSha1: boolean): void {
    const signatures = allowSha1 ? [...STRONG_SIGNATURES, SHA1_SIGNATURE] : STRONG_SIGNATURES;
    const digests = allowSha1 ? [...STRONG_DIGESTS, SHA1_DIGEST] : STRONG_DIGESTS;
    for (const method of Array.from(root.getElementsByTagNameNS(DSIG, 'SignatureMethod'))) {
      if (!signatures.includes(method.getAttribute('Algorithm') ?? '')) fail('signature_algorithm_refused', method.getAttribute('Algorithm') ?? '');
    }
    // only a signature's references: RSA-OAEP key transport names a digest too, and that is no signature
    for (const method of Array.from(root.getElementsByTagNameNS(DSIG, 'DigestMethod')).filter((m) => m.parentNode?.localName === 'Reference')) {
      if (!digests.includes(method.getAttribute('Algorithm') ?? '')) fail('digest_algorithm_refused', method.getAttribute('Algorithm') ?? '');
    }
  }

  private readSignedAssertion(sp: ServiceProvider, settings: SamlSettings, xml: string, responseInResponseTo: string | null): SamlAssertion {
    const assertion = parseUntrustedXml(xml).documentElement!;
    if (assertion.localName !== 'Assertion' || assertion.namespaceURI !== ASSERTION) fail('no_assertion');
    const now = this.clock.now().getTime();
    const skew = settings.clockSkewSeconds * 1000;

    if (first(assertion, ASSERTION, 'Issuer')?.textContent?.trim() !== settings.idpEntityId) fail('issuer_mismatch');
    const issued = Date.parse(assertion.getAttribute('IssueInstant') ?? '');
    if (Number.isNaN(issued) || issued > now + skew) fail('issue_instant_in_future');
    if (issued < now - MAX_ASSERTION_AGE_MS - skew) fail('assertion_too_old');
    const assertionId = assertion.getAttribute('ID');
    if (!assertionId) fail('no_assertion_id');

    const subject = first(assertion, ASSERTION, 'Subject');
    const nameId = subject && first(subject, ASSERTION, 'NameID')?.textContent?.trim();
    if (!subject || !nameId) fail('no_name_id');
    const confirmations = children(subject, ASSERTION, 'SubjectConfirmation')
      .filter((c) => c.getAttribute('Method') === 'urn:oasis:names:tc:SAML:2.0:cm:bearer')
      .map((c) => first(c, ASSERTION, 'SubjectConfirmationData'))
      .filter((d): d is XmlElement => !!d);
    const confirmation = confirmations.find((d) => d.getAttribute('Recipient') === sp.acsUrl);
    if (!confirmation) fail('recipient_mismatch');
    const confirmedUntil = Date.parse(confirmation.getAttribute('NotOnOrAfter') ?? '');
    if (Number.isNaN(confirmedUntil) || confirmedUntil <= now - skew) fail('subject_confirmation_expired');
    const inResponseTo = confirmation.getAttribute('InResponseTo') || null;
    if (responseInResponseTo !== inResponseTo) fail('in_response_to_mismatch');

    const conditions = first(assertion, ASSERTION, 'Conditions');
    const notBefore = Date.parse(conditions?.getAttribute('NotBefore') ?? '');
    const notOnOrAfter = Date.parse(conditions?.getAttribute('NotOnOrAfter') ?? '');
    if (!Number.isNaN(notBefore) && notBefore > now + skew) fail('not_yet_valid');
    if (!Number.isNaN(notOnOrAfter) && notOnOrAfter <= now - skew) fail('expired');
    const audiences = conditions
      ? children(conditions, ASSERTION, 'AudienceRestriction').flatMap((r) => children(r, ASSERTION, 'Audience').map((a) => a.textContent?.trim()))
      : [];
    if (!audiences.includes(sp.entityId)) fail('audience_mismatch');

    const statement = first(assertion, ASSERTION, 'AuthnStatement');
    const context = statement && first(statement, ASSERTION, 'AuthnContext');
    const authnContext = (context && first(context, ASSERTION, 'AuthnContextClassRef')?.textContent?.trim()) || null;

    const attributes: Record<string, string[]> = {};
    for (const attributeStatement of children(assertion, ASSERTION, 'AttributeStatement')) {
      for (const attribute of children(attributeStatement, ASSERTION, 'Attribute')) {
        const name = attribute.getAttribute('Name') ?? '';
        const values = children(attribute, ASSERTION, 'AttributeValue').map((v) => (v.textContent ?? '').trim());
        attributes[name] = [...(attributes[name] ?? []), ...values];
      }
    }
    return {
      nameId,
      assertionId,
      inResponseTo,
      notOnOrAfter: new Date(Math.max(Number.isNaN(notOnOrAfter) ? 0 : notOnOrAfter, confirmedUntil)),
      authnContext,
      attributes,
    };
  }
}
