import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { bearerTokenMatches } from './metrics-access';
import { MetricsService } from './metrics.service';

function problem(response: ServerResponse, status: number, title: string, code: string, headers: Record<string, string> = {}): void {
  response
    .writeHead(status, { ...headers, 'content-type': 'application/problem+json' })
    .end(JSON.stringify({ type: `urn:gatehouse:problem:${code.toLowerCase()}`, title, status, detail: title, code }));
}

/**
 * Where /metrics is served from: with METRICS_PORT, a plain HTTP server of its own on that
 * port (kept off the public one; the app's port then has no /metrics at all), honouring
 * METRICS_TOKEN the same way. Without it, the route is on the app's port, and production
 * warns at start when no token guards it there.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { metricsPort, metricsToken, env } = this.config.values;
    if (metricsPort === null) {
      if (env === 'production' && metricsToken === null) {
        this.logger.warn('/metrics answers anyone who reaches PORT: set METRICS_TOKEN, or METRICS_PORT to serve it on a port of its own');
      }
      return;
    }
    const server = createServer((request, response) => void this.answer(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(metricsPort, '0.0.0.0', () => resolve());
    });
    this.server = server;
    this.logger.log(`/metrics is served on port ${metricsPort}${metricsToken === null ? '' : ' to bearers of METRICS_TOKEN'}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return problem(response, 404, 'Not Found', 'HTTP.404');
    }
    const token = this.config.values.metricsToken;
    if (token !== null && !bearerTokenMatches(request.headers.authorization, token)) {
      return problem(response, 401, 'Unauthorized', 'OBSERVABILITY.METRICS_TOKEN_REQUIRED', { 'www-authenticate': 'Bearer' });
    }
    try {
      const text = await this.metrics.registry.metrics();
      response.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(request.method === 'HEAD' ? undefined : text);
    } catch (error) {
      this.logger.error({ err: error }, 'metrics could not be collected');
      problem(response, 500, 'Internal Server Error', 'COMMON.INTERNAL');
    }
  }
}
