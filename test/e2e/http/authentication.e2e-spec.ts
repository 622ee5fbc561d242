import { createHmac, createPrivateKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { SecretBox } from '../../../src/infrastructure/security/secret-box';
import { createOrganization, createUser, organizationId } from '../../support/users';
import { startTestApp, type TestApp } from '../../support/test-app';

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
  };
}

describe('authentication of requests', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
  });

  afterAll(async () => {
    await t.close();
  });

  it('protects every route that is not public', async () => {
    const response = await t.api.get('/api/v1/me');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect((await t.api.get('/api/v1/audit/events')).status).toBe(401);
    expect((await t.api.get('/api/v1/me', token)).status).toBe(200);
  });

  it('gives each of 50 parallel requests its own revocation verdict, though their reads share one round trip', async () => {
    const revoked = await t.adminToken();
    expect((await t.api.request('POST', '/api/v1/auth/logout', { token: revoked })).status).toBe(204);
    const tokens = Array.from({ length: 50 }, (_, i) => (i % 2 ? revoked : token));
    const answers = await Promise.all(tokens.map((each) => t.api.get<{ email: string }>('/api/v1/me', each)));
    answers.forEach((answer, i) => {
      expect(answer.status).toBe(i % 2 ? 401 : 200);
      if (answer.status !== 200) return;
      expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(answer.body.email).toBe('admin@example.com');
    });
  });

  it('signs with RS256 and a kid that the JWKS publishes', async () => {
    const { header, payload } = decode(token);
    expect(header.alg).toBe('RS256');
    const jwks = await t.api.get<{ keys: { kid: string; kty: string; alg: string; d?: string }[] }>('/.well-known/jwks.json');
    expect(jwks.body.keys.map((k) => k.kid)).toContain(header.kid);
    expect(jwks.body.keys.every((k) => k.kty === 'RSA' && k.d === undefined)).toBe(true);
    expect(payload).toMatchObject({ iss: 'http://gatehouse.test', aud: 'gatehouse', sid: expect.any(String) });
  });

  it('refuses alg none', async () => {
    const { header, payload } = decode(token);
    const forged = `${b64url({ ...header, alg: 'none' })}.${b64url(payload)}.`;
    expect((await t.api.get('/api/v1/me', forged)).status).toBe(401);
  });

  it('refuses HS256 signed with the public key', async () => {
    const { header, payload } = decode(token);
    const jwks = await t.api.get<{ keys: { kid: string; n: string; e: string }[] }>('/.well-known/jwks.json');
    const key = jwks.body.keys.find((k) => k.kid === header.kid)!;
    const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT', kid: header.kid })}.${b64url({ ...payload, role: 'Administrator' })}`;
    const signature = createHmac('sha256', JSON.stringify(key)).update(unsigned).digest('base64url');
    expect((await t.api.get('/api/v1/me', `${unsigned}.${signature}`)).status).toBe(401);
  });

  it('refuses a forged kid, a tampered payload and an expired token', async () => {
    const [header, payload, signature] = token.split('.');
    const h = decode(token).header;
    expect((await t.api.get('/api/v1/me', `${b64url({ ...h, kid: 'not-ours' })}.${payload}.${signature}`)).status).toBe(401);
    const p = decode(token).payload;
    expect((await t.api.get('/api/v1/me', `${header}.${b64url({ ...p, role: 'Viewer' })}.${signature}`)).status).toBe(401);
    expect((await t.api.get('/api/v1/me', `${header}.${b64url({ ...p, exp: 1 })}.${signature}`)).status).toBe(401);
  });

  it('keeps platform-operator routes to platform operators', async () => {
    const created = await t.api.post<{ id: string }>('/api/v1/organizations', { name: 'Acme', slug: 'acme-auth', adminEmail: 'it@acme.example' }, token);
    expect(created.status).toBe(201);
  });

  it('refuses a token signed with our own key but for another issuer or audience', async () => {
    const sql = await t.env.sql();
    let kid: string;
    let sealed: string;
    try {
      const { rows } = await sql.query<{ kid: string; private_pem: string }>('select kid, private_pem from signing_keys where retired_at is null order by created_at desc limit 1');
      ({ kid, private_pem: sealed } = rows[0]);
    } finally {
      await sql.end();
    }
    const key = createPrivateKey(t.app.get(SecretBox).open(sealed, kid));
    const { payload } = decode(token);
    const { iss, aud, exp, iat, ...claims } = payload;
    const sign = (overrides: Record<string, unknown>) => jwt.sign({ ...claims, iss, aud, ...overrides }, key, { algorithm: 'RS256', keyid: kid, expiresIn: 300 });
    expect((await t.api.get('/api/v1/me', sign({}))).status).toBe(200);
    expect((await t.api.get('/api/v1/me', sign({ iss: 'https://evil.example' }))).status).toBe(401);
    expect((await t.api.get('/api/v1/me', sign({ aud: 'another-service' }))).status).toBe(401);
    expect([exp, iat]).toEqual([expect.any(Number), expect.any(Number)]);
  });

  it('answers another organization’s records with 404, whatever the token', async () => {
    const other = await createOrganization(t, 'umbrella');
    const otherToken = await t.api.login('umbrella', other.adminEmail, other.adminPassword);
    const ours = await createUser(t, { organizationId: await organizationId(t), role: 'Developer' });
    expect((await t.api.request('DELETE', `/api/v1/users/${ours.id}/sessions`, { token: otherToken })).status).toBe(404);
    expect((await t.api.post(`/api/v1/users/${ours.id}/unlock`, {}, otherToken)).status).toBe(404);
  });

  it('rotates the signing key: JWKS serves current and previous, live tokens keep working, older keys retire', async () => {
    const before = decode(token).header.kid as string;
    const rotated = await t.api.post<{ kid: string }>('/api/v1/signing-keys/rotate', {}, token);
    expect(rotated.status).toBe(200);
    const jwks = await t.api.get<{ keys: { kid: string }[] }>('/.well-known/jwks.json');
    expect(jwks.body.keys.map((k) => k.kid)).toEqual([rotated.body.kid, before]);
    expect((await t.api.get('/api/v1/me', token)).status).toBe(200);
    const fresh = await t.adminToken();
    expect(decode(fresh).header.kid).toBe(rotated.body.kid);

    expect((await t.api.post('/api/v1/signing-keys/rotate', {}, fresh)).status).toBe(200);
    expect((await t.api.get('/api/v1/me', token)).status).toBe(401);
    expect((await t.api.get('/api/v1/me', fresh)).status).toBe(200);
  });
});
