import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module';
import type { AppConfigValues } from './infrastructure/config/app-config';
import { AppLogger } from './infrastructure/logging/app-logger';
import { MetricsService } from './infrastructure/observability/metrics.service';
import { pageHeaders, securityHeaders } from './infrastructure/security/security-headers';
import { eventCatalogueComponents } from './modules/audit';
import { PASSWORD_HASHING_ROUTE, SignInAdmissionHook } from './modules/auth';
import { PAGE_SESSION_ROUTE, PageSessionHook } from './modules/web';
import { EventCatalogue } from './shared/event-catalogue';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Whose X-Forwarded-For fastify believes (request.ip, which rate limits, lockouts and IP
 * policies use): nobody's when unset or `false`; the last N hops; or only connections from
 * the listed proxies (the first address not among them is the client's).
 */
export function trustProxy(value: string | null): boolean | ((address: string, hop: number) => boolean) | string[] | undefined {
  if (value === null || value === 'false') return undefined;
  if (value === 'true') return true;
  // the last N hops, as a function: fastify ≥ 5.12 trusts nobody when given a bare hop count
  // (a direct client could claim hops), but TRUST_PROXY=N is an operator's statement that N
  // proxies stand in front of every connection
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address: string, hop: number) => hop < hops;
  }
  return value.split(',').map((entry) => entry.trim()).filter(Boolean);
}

/** Builds and initializes the whole application (not listening yet): used by main and by the e2e tests. */
export async function createApp(config: AppConfigValues): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    trustProxy: trustProxy(config.trustProxy),
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const sent = req.headers['x-request-id'];
      const id = typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
      return id;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
  });
  const logger = new AppLogger(config);
  app.useLogger(logger);
  app.enableShutdownHooks();

  const headers = securityHeaders();
  const metrics = app.get(MetricsService);
  const pageSession = app.get(PageSessionHook).onRequest;
  const fastify = app.getHttpAdapter().getInstance();
  const admitSignIn = app.get(SignInAdmissionHook).onRequest;
  fastify.addHook('onRoute', (route) => {
    const routeConfig: Record<string, unknown> = { ...route.config };
    // a route may lower the body limit (`@RouteConfig({ bodyLimitBytes })`, e.g. the SAML ACS):
    // fastify then refuses the excess with 413 before any parser sees it
    const limit = routeConfig.bodyLimitBytes;
    if (typeof limit === 'number') route.bodyLimit = Math.min(limit, route.bodyLimit ?? config.bodyLimitBytes);
    // the pages' session, on their routes only: as a Nest middleware it made every request of
    // every route run @fastify/middie
    if (routeConfig[PAGE_SESSION_ROUTE] === true) route.onRequest = [...[route.onRequest ?? []].flat(), pageSession];
    // a route that hashes a password (the sign-in) is refused past the hashing capacity before
    // its body is read, any guard's Redis call or the handler (SignInAdmissionHook)
    if (routeConfig[PASSWORD_HASHING_ROUTE] === true) route.onRequest = [...[route.onRequest ?? []].flat(), admitSignIn];
  });
  // callback hooks, not async ones: a promise per hook per request shows in the profile
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers.api).header('X-Request-Id', request.id);
    done();
  });
  // an HTML document (pages, the OpenAPI UI, the SSO pages) gets helmet's browser set on top
  fastify.addHook('onSend', pageHeaders(headers));
  fastify.addHook('onResponse', (request, reply, done) => {
    logger.request(request, reply);
    metrics.observeHttp(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Gatehouse')
      .setDescription('User management and access: accounts, roles, sign-in, policies and a tamper-evident audit trail.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'an access JWT or a personal API key' })
      .build(),
  );
  // the event catalogue: each type's payload schema, and the audit event discriminated by type
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...(eventCatalogueComponents(app.get(EventCatalogue)) as NonNullable<OpenAPIObject['components']>['schemas']) } };
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  await app.init();
  return app;
}
