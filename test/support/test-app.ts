import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/infrastructure/config/load-config';
import type { AppConfigValues } from '../../src/infrastructure/config/app-config';
import { prepareDatabase } from '../../src/infrastructure/database/prepare-database';
import { BootstrapService } from '../../src/modules/organizations';
import { ApiClient } from './api-client';
import { SmtpSink } from './smtp-sink';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TestEnvironment } from './test-env';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfigValues;
  api: ApiClient;
  env: TestEnvironment;
  /** Signs in as the bootstrap administrator and returns the access token. */
  adminToken(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The whole application, listening on a free port, against the real PostgreSQL and Redis,
 * on a database and key prefix of its own (or those of `env`, to run several instances).
 */
export async function startTestApp(
  options: { env?: TestEnvironment; overrides?: Record<string, string | undefined>; removeOnClose?: boolean } = {},
): Promise<TestApp> {
  const env = options.env ?? new TestEnvironment();
  const config = loadConfig(env.env(options.overrides));
  await prepareDatabase(config.databaseUrl);
  const app = await createApp(config);
  await app.get(BootstrapService).run();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const api = new ApiClient(`http://127.0.0.1:${port}`);
  const removeOnClose = options.removeOnClose ?? !options.env;
  return {
    app,
    config,
    api,
    env,
    adminToken: () => api.login('default', ADMIN_EMAIL, ADMIN_PASSWORD),
    async close() {
      await app.close();
      if (removeOnClose) await env.remove(config.redisUrl);
    },
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The app with its mail going to a real SMTP server of the test's own; close() stops both. */
export async function startTestAppWithMail(
  options: Parameters<typeof startTestApp>[0] = {},
): Promise<TestApp & { smtp: SmtpSink }> {
  const smtp = await SmtpSink.start();
  const app = await startTestApp({ ...options, overrides: { ...options.overrides, SMTP_URL: smtp.url } });
  return {
    ...app,
    smtp,
    async close() {
      await app.close();
      await smtp.close();
    },
  };
}

/**
 * Waits until every committed event was sealed and every consumer of the store (the audit
 * log's projector, auth's erasure, the security detector, the webhooks) read up to its
 * organization's head: what they do on an event (an erasure on user.removed) is then done.
 */
export async function consumersCaughtUp(env: TestEnvironment, what: string): Promise<void> {
  await eventually(async () => ((await env.scalar('select count(*) from event_pending')) === 0 ? true : undefined), 10_000, `${what}: the pending events to be sealed`);
  await eventually(
    async () =>
      (await env.scalar('select count(*) from event_streams s join projection_positions p on p.organization_id = s.organization_id where p.last_seq < s.last_seq')) === 0
        ? true
        : undefined,
    10_000,
    `${what}: every consumer to reach the head`,
  );
}

/** Waits until every committed event was sealed and reached the audit log. */
export async function auditCaughtUp(env: TestEnvironment, what: string): Promise<void> {
  await eventually(async () => ((await env.scalar('select count(*) from event_pending')) === 0 ? true : undefined), 10_000, `${what}: the pending events to be sealed`);
  await eventually(
    async () => ((await env.scalar('select count(*) from audit_log')) === (await env.scalar('select count(*) from events')) ? true : undefined),
    10_000,
    `${what}: the audit log to catch up`,
  );
}
