import { eventually, startTestApp, type TestApp } from '../../support/test-app';

function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as { kid: string }).kid;
}

describe('signing key retirement across instances', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({ env: a.env });
  });

  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('B refuses a token it verified once A retired its key, and takes the new key’s tokens', async () => {
    const token = await a.adminToken();
    const kid = kidOf(token);
    // verified, and so cached, on B
    expect((await b.api.get('/api/v1/me', token)).status).toBe(200);
    expect((await b.api.get('/api/v1/me', token)).status).toBe(200);

    const first = await a.api.post<{ retired: string[] }>('/api/v1/signing-keys/rotate', {}, token);
    expect([first.status, first.body.retired]).toEqual([200, []]);
    // the previous key keeps verifying everywhere
    expect((await b.api.get('/api/v1/me', token)).status).toBe(200);
    const second = await a.api.post<{ retired: string[] }>('/api/v1/signing-keys/rotate', {}, token);
    expect([second.status, second.body.retired]).toEqual([200, [kid]]);

    // the retirement reaches B over Redis within moments, not at its next reload a minute on
    await eventually(async () => ((await b.api.get('/api/v1/me', token)).status === 401 ? true : undefined), 2_000, 'B to refuse the retired key’s token');
    expect((await a.api.get('/api/v1/me', token)).status).toBe(401);
    const fresh = await a.adminToken();
    expect(kidOf(fresh)).not.toBe(kid);
    await eventually(async () => ((await b.api.get('/api/v1/me', fresh)).status === 200 ? true : undefined), 2_000, 'B to take the new key’s token');
    const jwks = await b.api.get<{ keys: { kid: string }[] }>('/.well-known/jwks.json');
    expect(jwks.body.keys.map((key) => key.kid)).not.toContain(kid);
  });
});
