import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, startTestApp, type TestApp } from '../../support/test-app';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../../support/test-env';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on the loopback that answers every POST with `status`. */
async function receiver(status: number): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
}

/**
 * Standard Webhooks 1.0 verification, written from the specification for this test:
 * the key is the base64 after `whsec_`, the signed content `id.timestamp.body`, the header
 * a space-separated list of `v1,<base64>`; the timestamp must be within five minutes.
 */
function verifyStandardWebhook(secret: string, headers: IncomingHttpHeaders, body: string, nowSeconds: number): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    const given = Buffer.from(signature ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

describe('audit webhooks', () => {
  let t: TestApp;
  let token: string;
  const servers: Server[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      overrides: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_ATTEMPTS: '3', WEBHOOK_BACKOFF_MS: '50', WEBHOOK_PAUSE_AFTER_FAILURES: '3' },
    });
    token = await t.adminToken();
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await t.close();
  });

  it('delivers the chosen event types signed as Standard Webhooks, and logs each delivery', async () => {
    const target = await receiver(204);
    servers.push(target.server);
    const created = await t.api.post<{ id: string; secret: string; eventTypes: string[] }>(
      '/api/v1/audit/webhooks',
      { url: target.url, eventTypes: ['auth.*'] },
      token,
    );
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const listed = await t.api.get<{ items: Record<string, unknown>[] }>('/api/v1/audit/webhooks', token);
    expect(listed.body.items.find((item) => item.id === created.body.id)).not.toHaveProperty('secret');

    await t.api.login('default', ADMIN_EMAIL, ADMIN_PASSWORD);
    await t.api.post('/api/v1/invitations', { email: 'not.for.the.hook@example.com', role: 'Viewer' }, token);
    const delivery = await eventually(async () => target.received.find((r) => r.body.includes('auth.login_succeeded')), 10_000, 'the login delivered');

    expect(verifyStandardWebhook(created.body.secret, delivery.headers, delivery.body, Math.floor(Date.now() / 1000))).toBe(true);
    expect(verifyStandardWebhook(created.body.secret, delivery.headers, delivery.body.replace('login', 'logout'), Math.floor(Date.now() / 1000))).toBe(false);
    const payload = JSON.parse(delivery.body) as { type: string; data: { id: string; hash: string; seq: number } };
    expect(payload.type).toBe('auth.login_succeeded');
    expect(payload.data.hash).toMatch(/^[0-9a-f]{64}$/);
    // only what it asked for
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(target.received.every((r) => (JSON.parse(r.body) as { type: string }).type.startsWith('auth.'))).toBe(true);

    const log = await t.api.get<{ items: { id: string; eventId: string; status: string; lastStatus: number }[] }>(
      `/api/v1/audit/webhooks/${created.body.id}/deliveries`,
      token,
    );
    const entry = log.body.items.find((item) => item.eventId === payload.data.id);
    expect(entry).toMatchObject({ id: delivery.headers['webhook-id'], status: 'delivered', lastStatus: 204 });

    expect((await t.api.request('DELETE', `/api/v1/audit/webhooks/${created.body.id}`, { token })).status).toBe(204);
    expect((await t.api.get(`/api/v1/audit/webhooks/${created.body.id}/deliveries`, token)).status).toBe(404);
  });

  it('retries a failing target with backoff, then pauses it and tells the administrators', async () => {
    const target = await receiver(500);
    servers.push(target.server);
    const created = await t.api.post<{ id: string }>('/api/v1/audit/webhooks', { url: target.url, eventTypes: ['auth.login_succeeded'] }, token);
    await t.api.login('default', ADMIN_EMAIL, ADMIN_PASSWORD);

    const paused = await eventually(async () => {
      const list = await t.api.get<{ items: { id: string; status: string; consecutiveFailures: number }[] }>('/api/v1/audit/webhooks', token);
      const hook = list.body.items.find((item) => item.id === created.body.id);
      return hook?.status === 'paused' ? hook : undefined;
    }, 15_000, 'the failing webhook to be paused');
    expect(paused.consecutiveFailures).toBeGreaterThanOrEqual(3);
    // the same delivery, tried again under one webhook-id
    expect(target.received.length).toBe(3);
    expect(new Set(target.received.map((r) => r.headers['webhook-id'])).size).toBe(1);

    expect(await t.env.scalar("select count(*) from events where type = 'audit.webhook_paused' and subject->>'id' = $1", [created.body.id])).toBe(1);
    expect(await t.env.scalar("select count(*) from mail_outbox where template = 'audit_webhook_paused'")).toBe(1);
  });

  it('refuses bad input by field, and answers 404 for a webhook that is not the organization’s', async () => {
    const bad = await t.api.post<{ errors: { field: string }[] }>('/api/v1/audit/webhooks', { url: 'ftp://example.com', eventTypes: ['Not A Type'] }, token);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['eventTypes']));
    const badUrl = await t.api.post<{ errors: { field: string }[] }>('/api/v1/audit/webhooks', { url: 'ftp://example.com', eventTypes: ['auth.*'] }, token);
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.errors[0].field).toBe('url');
    expect((await t.api.request('DELETE', '/api/v1/audit/webhooks/6f1c2a5e-0000-4000-8000-000000000000', { token })).status).toBe(404);
  });

  it('refuses event types and prefixes the catalogue does not declare, naming each entry', async () => {
    const typo = await t.api.post<{ errors: { field: string; message: string }[] }>(
      '/api/v1/audit/webhooks',
      { url: 'https://siem.example.com/hook', eventTypes: ['auth.*', 'auth.login_faild', 'billing.*', 'user.invited'] },
      token,
    );
    expect(typo.status).toBe(400);
    expect(typo.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(typo.body.errors).toEqual([
      { field: 'eventTypes[1]', message: expect.stringContaining('auth.login_faild') },
      { field: 'eventTypes[2]', message: expect.stringContaining('billing.*') },
    ]);
    const list = await t.api.get<{ items: unknown[] }>('/api/v1/audit/webhooks', token);
    expect(JSON.stringify(list.body.items)).not.toContain('siem.example.com');
  });
});
