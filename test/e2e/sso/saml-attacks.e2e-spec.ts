import { Redis } from 'ioredis';
import { redisOptions } from '../../../src/infrastructure/queue/redis-options';
import { selfSignedCertificate } from '../../../src/modules/auth/infrastructure/sso/self-signed-certificate';
import { codeOf, configureSaml, postAcs, startLogin, type SamlTarget } from '../../support/saml-flow';
import { decode, encode, SHA1, TestIdp, type AssertionSpec } from '../../support/saml-idp';
import { startTestApp, type TestApp } from '../../support/test-app';
import { createOrganization, createUser } from '../../support/users';

/**
 * SAML-ATTACKS.md, row by row: responses minted by samlify (an IdP we did not write) with its
 * own key, then altered in memory. "Refused" means the one generic 401 page, no code, and an
 * auth.login_failed event whose reason says why.
 */
describe('SAML responses Gatehouse refuses (SAML-ATTACKS.md)', () => {
  let t: TestApp;
  let admin: string;
  let idp: TestIdp;
  let target: SamlTarget;
  let genericPage: string;
  const attacker = (() => {
    const keys = selfSignedCertificate('attacker', new Date(Date.now() - 60_000), 30);
    return { certificate: keys.certificatePem, privateKey: keys.privateKeyPem };
  })();
  const baseSettings = { wantResponseSigned: false, wantAssertionsSigned: true, roleMapping: [{ group: 'engineering', role: 'Developer' }] };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.adminToken();
    idp = new TestIdp('https://idp.corp.example');
    // assertion-only signatures: the harder case for wrapping attacks (the response is not covered)
    target = await configureSaml(t, admin, idp, baseSettings);
    target.sp = idp.serviceProvider((await t.api.get(`/api/v1/auth/sso/default/metadata`)).text, { wantMessageSigned: false });
    genericPage = (await postAcs(t, target, 'not base64 !')).text;
  });

  afterAll(async () => {
    await t.close();
  });

  const member = (email = 'alice@corp.example', groups = ['engineering']): AssertionSpec => ({ nameId: `okta|${email}`, attributes: { email: [email], groups } });

  /** A fresh SP-initiated response, as the IdP signed it (decoded XML). */
  async function signed(spec: AssertionSpec = member(), using = idp, sp = target.sp): Promise<string> {
    const { requestId } = await startLogin(t, idp, target);
    return decode(await using.mint(sp, target.acsUrl, target.entityId, { inResponseTo: requestId, ...spec }));
  }

  async function lastFailure(): Promise<Record<string, unknown>> {
    const sql = await t.env.sql();
    try {
      const { rows } = await sql.query<{ payload: Record<string, unknown> }>("select payload from events where type = 'auth.login_failed' order by seq desc limit 1");
      return rows[0]?.payload ?? {};
    } finally {
      await sql.end();
    }
  }

  async function expectRefused(xmlOrBase64: string, reason: string | RegExp, options: { raw?: boolean } = {}): Promise<void> {
    const outcome = await postAcs(t, target, options.raw ? xmlOrBase64 : encode(xmlOrBase64));
    expect(outcome.status).toBe(401);
    expect(outcome.location).toBeNull();
    expect(outcome.text).toBe(genericPage);
    const failure = await lastFailure();
    expect(failure).toMatchObject({ method: 'sso' });
    expect(String(failure.reason)).toMatch(reason);
    // the trail keeps a reason, never the assertion
    expect(JSON.stringify(failure)).not.toContain('Assertion');
  }

  async function expectAccepted(xml: string): Promise<string> {
    const outcome = await postAcs(t, target, encode(xml));
    expect(outcome.status).toBe(303);
    const tokens = await t.api.post<{ accessToken: string }>('/api/v1/auth/sso/exchange', { code: codeOf(outcome.location) });
    expect(tokens.status).toBe(200);
    return (await t.api.get<{ id: string }>('/api/v1/me', tokens.body.accessToken)).body.id;
  }

  async function saveSettings(settings: Record<string, unknown>): Promise<number> {
    return (await t.api.request('PUT', '/api/v1/sso/saml', { token: admin, body: { enabled: true, ...idp.settings(), domains: ['corp.example'], ...baseSettings, ...settings } })).status;
  }

  const assertionOf = (xml: string) => /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)![0];
  const evilAssertion = (xml: string) => assertionOf(xml).replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '').replace(/ID="[^"]+"/, 'ID="_evil"').replace(/okta\|alice@corp\.example/g, 'okta|mallory@corp.example');

  it('1: accepts a valid response and keys the user by (connection, NameID), not by email alone', async () => {
    const first = await expectAccepted(await signed());
    // the same NameID with a changed email is the same account
    expect(await expectAccepted(await signed({ nameId: 'okta|alice@corp.example', attributes: { email: ['alice.new@corp.example'], groups: [] } }))).toBe(first);
    // another NameID claiming alice's email does not take her account
    await expectRefused(await signed({ nameId: 'okta|impostor', attributes: { email: ['alice@corp.example'] } }), 'account_linked_to_another_identity');
  });

  it('2: refuses a response with every signature stripped; a setting accepting unsigned responses cannot be saved', async () => {
    await expectRefused((await signed()).replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/g, ''), 'invalid_response');
    expect(await saveSettings({ wantAssertionsSigned: false, wantResponseSigned: false })).toBe(400);
  });

  it('3: refuses a NameID or a group attribute changed after signing', async () => {
    await expectRefused((await signed()).replace('>okta|alice@corp.example<', '>okta|bob@corp.example<'), 'invalid_response');
    await expectRefused((await signed()).replace('>engineering<', '>admins<'), 'invalid_response');
  });

  it('4: refuses signature wrapping where the signed response is cloned and an evil one made the root (XSW1/2)', async () => {
    const original = await signed();
    const evilRoot = original.replace(/ID="_[^"]+"/, 'ID="_evilroot"').replace(assertionOf(original), evilAssertion(original));
    // XSW1: the original signed message inside the evil root
    await expectRefused(evilRoot.replace('</samlp:Response>', `${original.replace(/^<\?xml[^>]*>/, '')}</samlp:Response>`), 'multiple_assertions');
    // XSW2: the original before the evil content
    await expectRefused(evilRoot.replace(/(<samlp:Status>)/, `${original.replace(/^<\?xml[^>]*>/, '')}$1`), 'multiple_assertions');
  });

  it.each([
    ['before the signed one', (xml: string, evil: string) => xml.replace('<saml:Assertion', `${evil}<saml:Assertion`)],
    ['after the signed one', (xml: string, evil: string) => xml.replace('</samlp:Response>', `${evil}</samlp:Response>`)],
    ['around the signed one', (xml: string, evil: string) => xml.replace(assertionOf(xml), evil.replace('</saml:Assertion>', `<saml:Advice>${assertionOf(xml)}</saml:Advice></saml:Assertion>`))],
    ['in Extensions', (xml: string, evil: string) => xml.replace(/(<samlp:Status>)/, `<samlp:Extensions>${evil}</samlp:Extensions>$1`)],
    ['in the signature’s Object', (xml: string, evil: string) => xml.replace('</ds:Signature>', `<ds:Object>${evil}</ds:Object></ds:Signature>`)],
    ['in StatusDetail', (xml: string, evil: string) => xml.replace('</samlp:Status>', `<samlp:StatusDetail>${evil}</samlp:StatusDetail></samlp:Status>`)],
    ['in Advice of the signed one', (xml: string, evil: string) => xml.replace('</saml:Subject>', `</saml:Subject><saml:Advice>${evil}</saml:Advice>`)],
  ])('5: refuses an extra unsigned assertion %s (XSW3–10)', async (_where, wrap) => {
    const original = await signed();
    await expectRefused(wrap(original, evilAssertion(original)), 'multiple_assertions');
  });

  it('6: refuses digests hidden behind comments (CVE-2025-29775 shape); a harmless comment elsewhere is still accepted', async () => {
    const tampered = (await signed()).replace('>okta|alice@corp.example<', '>okta|bob@corp.example<').replace(/<ds:DigestValue>/, '<ds:DigestValue><!--AAAA-->');
    await expectRefused(tampered, 'invalid_response');
    await expectAccepted((await signed()).replace('<samlp:Status>', '<!-- a harmless comment --><samlp:Status>'));
  });

  it('7: refuses two SignedInfo elements, or a wrapped SignedInfo (CVE-2025-29774)', async () => {
    const original = await signed();
    const signedInfo = /<ds:SignedInfo>[\s\S]*?<\/ds:SignedInfo>/.exec(original)![0];
    await expectRefused(original.replace(signedInfo, signedInfo + signedInfo), /invalid_response|multiple/);
    await expectRefused(original.replace(signedInfo, `<ds:Object>${signedInfo}</ds:Object>`), /invalid_response/);
  });

  it('8: refuses a response re-signed with an attacker’s key that carries the attacker’s certificate in KeyInfo', async () => {
    const forged = await signed(member('mallory@corp.example'), idp.withKeys(attacker));
    expect(forged).toContain(attacker.certificate.replace(/-----[^-]+-----|\s/g, '').slice(0, 40));
    await expectRefused(forged, 'invalid_response');
  });

  it('9: refuses another organization’s IdP at this ACS; the same NameID from two IdPs and the same email in two organizations are two users', async () => {
    const other = await createOrganization(t, 'globex');
    const otherAdmin = await t.api.login('globex', other.adminEmail, other.adminPassword);
    const otherIdp = new TestIdp('https://idp.globex.example');
    const otherTarget = await configureSaml(t, otherAdmin, otherIdp, { domains: ['corp.example', 'globex.example'] }, 'globex');

    // B's IdP, posted to A's ACS: A pins its own IdP's certificate
    await expectRefused(await signed(member(), otherIdp.withKeys({ certificate: otherIdp.certificate, privateKey: otherIdp.privateKey })), /invalid_response|issuer/);

    const { requestId } = await startLogin(t, otherIdp, otherTarget);
    const atB = await postAcs(t, otherTarget, await otherIdp.mint(otherTarget.sp, otherTarget.acsUrl, otherTarget.entityId, { inResponseTo: requestId, ...member() }));
    expect(atB.status).toBe(303);
    const tokens = await t.api.post<{ accessToken: string }>('/api/v1/auth/sso/exchange', { code: codeOf(atB.location) });
    const userAtB = await t.api.get<{ id: string; email: string }>('/api/v1/me', tokens.body.accessToken);
    const userAtA = await expectAccepted(await signed());
    expect(userAtB.body.email).toBe('alice@corp.example');
    expect(userAtB.body.id).not.toBe(userAtA);

    // A's IdP asserting the email of B's user: not A's verified domain, and never B's account
    await createUser(t, { organizationId: other.id, role: 'Viewer', email: 'zed@globex.example' });
    await expectRefused(await signed(member('zed@globex.example')), 'email_domain_not_verified');
  });

  it('10: refuses an assertion whose audience is missing or not our SP entity id', async () => {
    await expectRefused(await signed({ ...member(), audience: null }), /invalid_response|audience/);
    await expectRefused(await signed({ ...member(), audience: 'https://another-sp.example' }), /invalid_response|audience/);
  });

  it('11: refuses a Recipient or Destination other than this connection’s ACS URL (node-saml does not check them)', async () => {
    await expectRefused(await signed({ ...member(), recipient: 'https://another-sp.example/acs' }), 'recipient_mismatch');
    await expectRefused(await signed({ ...member(), destination: 'https://another-sp.example/acs' }), 'destination_mismatch');
  });

  it('12: refuses NotBefore beyond the skew, a passed NotOnOrAfter and an IssueInstant too old; the skew is configurable up to 3 minutes', async () => {
    await expectRefused(await signed({ ...member(), notBefore: 180 }), /not_yet_valid|invalid_response/);
    await expectRefused(await signed({ ...member(), notOnOrAfter: -120 }), /expired|invalid_response/);
    await expectRefused(await signed({ ...member(), issuedAt: -900, notOnOrAfter: 300 }), /assertion_too_old|invalid_response/);
    await expectAccepted(await signed({ ...member(), notBefore: 30 }));
    expect(await saveSettings({ clockSkewSeconds: 181 })).toBe(400);
  });

  it('13: refuses the same response twice, an unknown or expired InResponseTo, and an unsolicited response while IdP-initiated login is off', async () => {
    const once = await signed();
    await expectAccepted(once);
    await expectRefused(once, /unknown_in_response_to|assertion_replayed/);
    await expectRefused(decode(await idp.mint(target.sp, target.acsUrl, target.entityId, { ...member(), inResponseTo: '_never_sent' })), 'unknown_in_response_to');

    const { requestId } = await startLogin(t, idp, target);
    const redis = new Redis(redisOptions(t.config.redisUrl));
    // what the request's TTL does when it runs out
    await redis.del(`${t.config.redisKeyPrefix}:sso:request:${requestId}`);
    redis.disconnect();
    await expectRefused(decode(await idp.mint(target.sp, target.acsUrl, target.entityId, { ...member(), inResponseTo: requestId })), 'unknown_in_response_to');

    await expectRefused(decode(await idp.mint(target.sp, target.acsUrl, target.entityId, { ...member(), inResponseTo: null })), 'unsolicited_response');
  });

  it('14 and 21: with IdP-initiated login on, refuses the same assertion twice, and ignores RelayState that is not a same-origin relative path', async () => {
    expect(await saveSettings({ allowIdpInitiated: true })).toBe(200);
    try {
      const unsolicited = await idp.mint(target.sp, target.acsUrl, target.entityId, { ...member(), inResponseTo: null });
      const first = await postAcs(t, target, unsolicited, 'https://evil.example/steal');
      expect(first.status).toBe(303);
      expect(first.location).toMatch(new RegExp(`^${t.config.publicUrl}/\\?code=`));
      await expectRefused(unsolicited, 'assertion_replayed', { raw: true });

      const another = await postAcs(t, target, await idp.mint(target.sp, target.acsUrl, target.entityId, { ...member(), inResponseTo: null }), '//evil.example');
      expect(new URL(another.location!).origin).toBe(new URL(t.config.publicUrl).origin);
      expect(new URL(another.location!).pathname).toBe('/');
      const relative = await postAcs(t, target, await idp.mint(target.sp, target.acsUrl, target.entityId, { ...member(), inResponseTo: null }), '/account');
      expect(relative.location).toMatch(new RegExp(`^${t.config.publicUrl}/account\\?code=`));
    } finally {
      expect(await saveSettings({})).toBe(200);
    }
    const spInitiated = await fetch(`${t.api.baseUrl}/api/v1/auth/sso/default/login?relayState=${encodeURIComponent('//evil.example')}`, { redirect: 'manual' });
    const { requestId } = await idp.receive(target.sp, spInitiated.headers.get('location')!);
    const outcome = await postAcs(t, target, await idp.mint(target.sp, target.acsUrl, target.entityId, { ...member(), inResponseTo: requestId }));
    expect(outcome.location).toMatch(new RegExp(`^${t.config.publicUrl}/\\?code=`));
  });

  it('15: refuses an Issuer that is not the connection’s IdP entity id', async () => {
    await expectRefused(await signed({ ...member(), issuer: 'https://idp.evil.example' }), /invalid_response|issuer_mismatch/);
  });

  it('16: refuses DOCTYPE/XXE, billion laughs, several roots, invalid base64 quickly, and a body over 256 KB with 413 before parsing', async () => {
    const started = Date.now();
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&x;</samlp:Response>`;
    await expectRefused(xxe, 'dtd_refused');
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&lol9;</samlp:Response>`;
    await expectRefused(laughs, 'dtd_refused');
    const original = await signed();
    await expectRefused(original + original.replace(/^<\?xml[^>]*>/, ''), 'malformed_xml');
    await expectRefused('%%%not base64%%%', 'invalid_base64', { raw: true });
    expect(Date.now() - started).toBeLessThan(5000);

    const big = await fetch(`${t.api.baseUrl}/api/v1/auth/sso/default/acs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `SAMLResponse=${'A'.repeat(256 * 1024 + 1)}`,
    });
    expect(big.status).toBe(413);
  });

  it('17: opens no session on a non-success status and reflects nothing of the unsigned error', async () => {
    for (const nested of ['urn:oasis:names:tc:SAML:2.0:status:AuthnFailed', 'urn:oasis:names:tc:SAML:2.0:status:NoPassive']) {
      // IdPs send errors unsigned: the status replaces the assertion
      const status = `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="${nested}"/></samlp:StatusCode><samlp:StatusMessage>&lt;script&gt;alert(1)&lt;/script&gt;</samlp:StatusMessage></samlp:Status>`;
      const failed = (await signed()).replace(/<samlp:Status>[\s\S]*?<\/samlp:Status>/, status).replace(/<saml:Assertion[\s\S]*<\/saml:Assertion>/, '');
      const outcome = await postAcs(t, target, encode(failed));
      expect(outcome.text).not.toContain('script');
      await expectRefused(failed, 'idp_status');
      expect(JSON.stringify(await lastFailure())).not.toContain('script');
    }
  });

  it('18: refuses SHA-1 and HMAC signatures unless the per-connection SHA-1 switch is on, and audits that switch', async () => {
    const sha1Idp = idp.withKeys({ certificate: idp.certificate, privateKey: idp.privateKey }, { signatureAlgorithm: SHA1 });
    const sha1 = await signed(member(), sha1Idp);
    expect(sha1).toContain('xmldsig#rsa-sha1');
    await expectRefused(sha1, 'signature_algorithm_refused');
    await expectRefused((await signed()).replace(/xmldsig-more#rsa-sha256/, 'xmldsig-more#hmac-sha256'), 'signature_algorithm_refused');

    expect(await saveSettings({ allowSha1: true })).toBe(200);
    try {
      await expectAccepted(await signed(member(), sha1Idp));
      const sql = await t.env.sql();
      try {
        const { rows } = await sql.query<{ payload: Record<string, unknown> }>("select payload from events where type = 'sso.settings_changed' order by seq desc limit 1");
        expect(rows[0].payload).toMatchObject({ sha1Switched: true, before: { allowSha1: false }, after: { allowSha1: true } });
        expect(JSON.stringify(rows[0].payload)).not.toContain('BEGIN');
      } finally {
        await sql.end();
      }
    } finally {
      expect(await saveSettings({})).toBe(200);
    }
  });

  it('19: refuses an encrypted assertion whose inner signature is not the IdP’s', async () => {
    const settings = await t.api.get<{ serviceProvider: { certificate: string } }>('/api/v1/sso/saml', admin);
    const metadata = (await t.api.get('/api/v1/auth/sso/default/metadata')).text;
    const encryptingSp = idp.serviceProvider(metadata, { wantMessageSigned: false, encryptCert: settings.body.serviceProvider.certificate });
    const forged = await signed(member('mallory@corp.example'), idp.withKeys(attacker, { encryptAssertion: true }), encryptingSp);
    expect(forged).toContain('EncryptedAssertion');
    await expectRefused(forged, 'invalid_response');
    // the same, signed by the IdP's own key, is accepted: the refusal was the inner signature's
    const genuine = await signed(member(), idp.withKeys({ certificate: idp.certificate, privateKey: idp.privateKey }, { encryptAssertion: true }), encryptingSp);
    await expectAccepted(genuine);
  });

  it('20: maps groups to roles only through the admin’s mapping; never Administrator unless mapped explicitly', async () => {
    const viewer = await expectAccepted(await signed(member('root@corp.example', ['Administrator', 'Domain Admins', 'admins'])));
    const asAdmin = async () => (await t.api.get<{ role: string }>(`/api/v1/users/${viewer}`, admin)).body.role;
    expect(await asAdmin()).toBe('Viewer');
    expect(await saveSettings({ roleMapping: [{ group: 'admins', role: 'Administrator' }] })).toBe(200);
    try {
      await expectAccepted(await signed(member('root@corp.example', ['admins'])));
      expect(await asAdmin()).toBe('Administrator');
    } finally {
      expect(await saveSettings({})).toBe(200);
    }
  });
});
