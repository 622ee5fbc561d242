import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { bearerTokenMatches, MetricsTokenRequiredError } from './metrics-access';

/** With METRICS_TOKEN set, /metrics answers only a request bearing it. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const token = this.config.values.metricsToken;
    if (token === null) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!bearerTokenMatches(request.headers.authorization, token)) throw new MetricsTokenRequiredError();
    return true;
  }
}
