import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { AppConfigValues } from './infrastructure/config/app-config';
import { MetricsService } from './infrastructure/observability/metrics.service';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function trustProxy(value: string | null): boolean | number | string | undefined {
  if (value === null) return undefined;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
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
      (req as { id?: string }).id = id; // pino-http reads the same id
      return id;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
      },
    },
  });

  const metrics = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance();
  // a route may lower the body limit (`@RouteConfig({ bodyLimitBytes })`, e.g. the SAML ACS):
  // fastify then refuses the excess with 413 before any parser sees it
  fastify.addHook('onRoute', (route) => {
    const routeConfig: Record<string, unknown> = { ...route.config };
    const limit = routeConfig.bodyLimitBytes;
    if (typeof limit === 'number') route.bodyLimit = Math.min(limit, route.bodyLimit ?? config.bodyLimitBytes);
  });
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('X-Request-Id', request.id);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
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
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  await app.init();
  return app;
}
