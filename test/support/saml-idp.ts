import { randomUUID } from 'node:crypto';
import * as samlify from 'samlify';
import { selfSignedCertificate } from '../../src/modules/auth/infrastructure/sso/self-signed-certificate';

// samlify insists on a schema validator; the SP under test parses defensively itself, and
// these tests send it deliberately broken XML anyway
samlify.setSchemaValidator({ validate: async () => 'skipped in tests' });

const SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';

export interface AssertionSpec {
  nameId: string;
  inResponseTo?: string | null;
  attributes?: Record<string, string[]>;
  authnContext?: string;
  /** Offsets from now, in seconds. */
  issuedAt?: number;
  notBefore?: number;
  notOnOrAfter?: number;
  destination?: string | null;
  recipient?: string;
  audience?: string | null;
  issuer?: string;
  status?: string;
  nestedStatus?: string;
  statusMessage?: string;
}

function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function iso(offsetSeconds: number): string {
  return new Date(Date.now() + offsetSeconds * 1000).toISOString();
}

/**
 * A real SAML IdP we did not write (samlify), with its own key, answering the SP's
 * AuthnRequests. `mint` lets a test shape the assertion; samlify signs what it is given.
 */
export class TestIdp {
  readonly certificate: string;
  readonly privateKey: string;
  private readonly idp: ReturnType<typeof samlify.IdentityProvider>;

  constructor(
    readonly entityId: string,
    options: { keys?: { certificate: string; privateKey: string }; signatureAlgorithm?: string; encryptAssertion?: boolean } = {},
  ) {
    const keys = options.keys ?? (() => {
      const made = selfSignedCertificate(entityId, new Date(Date.now() - 60_000), 365);
      return { certificate: made.certificatePem, privateKey: made.privateKeyPem };
    })();
    this.certificate = keys.certificate;
    this.privateKey = keys.privateKey;
    this.idp = samlify.IdentityProvider({
      entityID: entityId,
      privateKey: keys.privateKey,
      signingCert: keys.certificate,
      requestSignatureAlgorithm: options.signatureAlgorithm ?? SHA256,
      isAssertionEncrypted: options.encryptAssertion ?? false,
      wantAuthnRequestsSigned: true,
      singleSignOnService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: `${entityId}/sso` }],
      singleLogoutService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: `${entityId}/slo` }],
      generateID: () => `_${randomUUID()}`,
    });
  }

  /** The same IdP's entity id and SSO URL, another key (an attacker re-signing). */
  withKeys(keys: { certificate: string; privateKey: string }, options: { signatureAlgorithm?: string; encryptAssertion?: boolean } = {}): TestIdp {
    return new TestIdp(this.entityId, { keys, ...options });
  }

  settings(): { idpEntityId: string; idpSsoUrl: string; idpCertificates: string[] } {
    return { idpEntityId: this.entityId, idpSsoUrl: `${this.entityId}/sso`, idpCertificates: [this.certificate] };
  }

  /** Our view of the SP, from the metadata it publishes (plus its certificate for encryption). */
  serviceProvider(metadata: string, options: { wantMessageSigned?: boolean; encryptCert?: string } = {}) {
    return samlify.ServiceProvider({ metadata, wantMessageSigned: options.wantMessageSigned ?? true, ...(options.encryptCert ? { encryptCert: options.encryptCert } : {}) });
  }

  /** Reads (and verifies the signature of) an AuthnRequest sent over the redirect binding. */
  async receive(sp: ReturnType<TestIdp['serviceProvider']>, location: string): Promise<{ requestId: string; sigAlg: string | null }> {
    const url = new URL(location);
    const raw = url.search.slice(1);
    const octetString = raw.split('&').filter((part) => !part.startsWith('Signature=')).join('&');
    const query = Object.fromEntries(url.searchParams);
    const { extract } = (await this.idp.parseLoginRequest(sp, 'redirect', { query, octetString })) as unknown as { extract: { request: { id: string } } };
    return { requestId: extract.request.id, sigAlg: url.searchParams.get('SigAlg') };
  }

  /** A signed Response (base64) shaped by `spec`; the SP's metadata decides what samlify signs. */
  async mint(sp: ReturnType<TestIdp['serviceProvider']>, acsUrl: string, audience: string, spec: AssertionSpec): Promise<string> {
    const responseId = `_${randomUUID()}`;
    const assertionId = `_${randomUUID()}`;
    const inResponseTo = spec.inResponseTo ?? null;
    const attributes = Object.entries(spec.attributes ?? {})
      .map(([name, values]) => `<saml:Attribute Name="${esc(name)}">${values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${esc(v)}</saml:AttributeValue>`).join('')}</saml:Attribute>`)
      .join('');
    const status = `<samlp:Status><samlp:StatusCode Value="${spec.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success'}">${spec.nestedStatus ? `<samlp:StatusCode Value="${spec.nestedStatus}"/>` : ''}</samlp:StatusCode>${spec.statusMessage ? `<samlp:StatusMessage>${esc(spec.statusMessage)}</samlp:StatusMessage>` : ''}</samlp:Status>`;
    const irt = inResponseTo ? ` InResponseTo="${inResponseTo}"` : '';
    const destination = spec.destination === null ? '' : ` Destination="${esc(spec.destination ?? acsUrl)}"`;
    const audienceXml = spec.audience === null ? '' : `<saml:AudienceRestriction><saml:Audience>${esc(spec.audience ?? audience)}</saml:Audience></saml:AudienceRestriction>`;
    const issuer = esc(spec.issuer ?? this.entityId);
    const assertion =
      spec.status && !spec.status.endsWith(':Success')
        ? ''
        : `<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${assertionId}" Version="2.0" IssueInstant="${iso(spec.issuedAt ?? 0)}"><saml:Issuer>${issuer}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${esc(spec.nameId)}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(spec.notOnOrAfter ?? 300)}" Recipient="${esc(spec.recipient ?? acsUrl)}"${irt}/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="${iso(spec.notBefore ?? -5)}" NotOnOrAfter="${iso(spec.notOnOrAfter ?? 300)}">${audienceXml}</saml:Conditions><saml:AuthnStatement AuthnInstant="${iso(spec.issuedAt ?? 0)}" SessionIndex="${assertionId}"><saml:AuthnContext><saml:AuthnContextClassRef>${esc(spec.authnContext ?? 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport')}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>${attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : ''}</saml:Assertion>`;
    const xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${responseId}" Version="2.0" IssueInstant="${iso(spec.issuedAt ?? 0)}"${destination}${irt}><saml:Issuer>${issuer}</saml:Issuer>${status}${assertion}</samlp:Response>`;
    const { context } = await this.idp.createLoginResponse(sp, { extract: {} }, 'post', { email: spec.nameId }, { customTagReplacement: () => ({ id: responseId, context: xml }) });
    return context;
  }
}

export const decode = (samlResponse: string): string => Buffer.from(samlResponse, 'base64').toString('utf8');
export const encode = (xml: string): string => Buffer.from(xml, 'utf8').toString('base64');
