import { randomBytes } from 'node:crypto';
import { AppProcess, ensureBuilt, freePort, stopAllProcesses } from '../../support/app-process';
import { startTestApp, type TestApp } from '../../support/test-app';
import { TestEnvironment } from '../../support/test-env';

const TOKEN = randomBytes(24).toString('hex');
const PUBLIC_WARNING = /\/metrics answers anyone who reaches PORT: set METRICS_TOKEN, or METRICS_PORT/;

const scrape = (url: string, authorization?: string) =>
  fetch(url, { headers: authorization ? { authorization } : {} }).then(async (response) => ({
    status: response.status,
    headers: response.headers,
    text: await response.text(),
  }));

function expectRefused(response: { status: number; headers: Headers; text: string }): void {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Bearer');
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.text).not.toContain('gatehouse_');
}

describe('/metrics behind METRICS_TOKEN', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ overrides: { METRICS_TOKEN: TOKEN } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers 401 without the token, with another token, and with a user’s access token', async () => {
    const url = `${t.api.baseUrl}/metrics`;
    expectRefused(await scrape(url));
    expectRefused(await scrape(url, `Bearer ${randomBytes(24).toString('hex')}`));
    expectRefused(await scrape(url, `Bearer ${TOKEN.slice(0, -1)}`));
    expectRefused(await scrape(url, `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`));
    expectRefused(await scrape(url, `Bearer ${await t.adminToken()}`));
  });

  it('serves the metrics to the bearer of the token', async () => {
    const response = await scrape(`${t.api.baseUrl}/metrics`, `Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.text).toMatch(/gatehouse_outbox_backlog \d+/);
  });
});

describe('/metrics on METRICS_PORT', () => {
  let t: TestApp;
  let metricsUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    t = await startTestApp({ overrides: { METRICS_PORT: String(port), METRICS_TOKEN: TOKEN } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('is not served on the application’s port at all', async () => {
    const response = await scrape(`${t.api.baseUrl}/metrics`, `Bearer ${TOKEN}`);
    expect(response.status).toBe(404);
    expect(response.text).not.toContain('gatehouse_');
  });

  it('is served on its own port, to the bearer of METRICS_TOKEN only, and nothing else is', async () => {
    expectRefused(await scrape(metricsUrl));
    expectRefused(await scrape(metricsUrl, `Bearer ${randomBytes(24).toString('hex')}`));
    const response = await scrape(metricsUrl, `Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.text).toMatch(/gatehouse_http_request_duration_seconds_bucket/);
    const elsewhere = await scrape(metricsUrl.replace('/metrics', '/health/live'), `Bearer ${TOKEN}`);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('a production start (node dist/main.js)', () => {
  const env = new TestEnvironment();
  const key = randomBytes(32).toString('base64');
  const production = (overrides: Record<string, string> = {}) =>
    env.env({ NODE_ENV: 'production', LOG_LEVEL: 'info', ENCRYPTION_KEY: key, ...overrides });

  beforeAll(() => {
    ensureBuilt();
  });

  afterAll(async () => {
    await stopAllProcesses();
    await env.remove();
  });

  it('warns when /metrics is public on PORT, and not when a token or a port of its own keeps it', async () => {
    const open = new AppProcess({ ...production(), PORT: String(await freePort()) });
    await open.listening();
    await open.waitForOutput(PUBLIC_WARNING);
    expect((await scrape(`${open.api.baseUrl}/metrics`)).status).toBe(200);
    await open.stop();

    // the first start's database is reused, so the next ones start as a restart would
    const keptBy: Record<string, string>[] = [{ METRICS_TOKEN: TOKEN }, { METRICS_PORT: String(await freePort()) }];
    for (const kept of keptBy) {
      const app = new AppProcess({ ...production(kept), PORT: String(await freePort()) });
      await app.listening();
      await app.waitForOutput(/listening on port/);
      expect(app.stdout()).not.toMatch(PUBLIC_WARNING);
      expect(app.stdout() + app.stderr()).not.toContain(TOKEN);
      await app.stop();
    }
  });
});
