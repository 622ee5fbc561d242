import { startTestApp, type TestApp } from '../../support/test-app';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../../support/test-env';

// At the production argon2id cost, a burst of sign-ins past the hashing pool's waiting room is
// answered 503 at once (problem details, Retry-After), and the refusals count as no guess.
describe('sign-ins past the hashing capacity', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ overrides: { PASSWORD_HASH_MEMORY_KIB: '19456', PASSWORD_HASH_ITERATIONS: '2', LOCKOUT_IP_MAX_FAILURES: '100000' } });
  });

  afterAll(async () => {
    await t.close();
  });

  const login = (password: string) =>
    t.api.request<Record<string, unknown>>('POST', '/api/v1/auth/login', { body: { organization: 'default', email: ADMIN_EMAIL, password } });

  it('refuses the excess with 503 and Retry-After, serves the rest, and counts no refusal as a failure', async () => {
    const answers = await Promise.all(Array.from({ length: 80 }, () => login(ADMIN_PASSWORD)));
    const statuses = answers.map((a) => a.status);
    // 429: more attempts in flight on one account from one address than its limit allows
    expect(statuses.filter((s) => s !== 200 && s !== 503 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    const busy = answers.filter((a) => a.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    for (const answer of busy) {
      expect(answer.body).toMatchObject({ status: 503, code: 'AUTH.BUSY', instance: '/api/v1/auth/login' });
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    // nothing was locked by the burst: the account signs in, and no failed guess was recorded
    // (a 429's refusal is sampled as reason 'locked': the limit refused it, no password was checked)
    expect((await login(ADMIN_PASSWORD)).status).toBe(200);
    expect(await t.env.scalar("select count(*) from events where type = 'auth.login_failed' and payload->>'reason' <> 'locked'")).toBe(0);
  });
});
