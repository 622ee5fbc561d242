import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/** The largest CSV body read: 1,000 invitation rows fit with room to spare. */
export const CSV_BODY_LIMIT_BYTES = 1024 * 1024;

/** The only route that takes a CSV body. */
export const CSV_UPLOAD_ROUTE = '/api/v1/invitations/batch';

function unsupportedMediaType(): Error {
  return Object.assign(new Error('This endpoint does not accept this media type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
}

/**
 * Reads `text/csv` bodies as their raw text, with their own 1 MiB limit (413 beyond), for
 * the batch invitation route, which parses them; other routes keep refusing CSV with a 415.
 */
@Injectable()
export class CsvBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || fastify.hasContentTypeParser('text/csv')) return;
    fastify.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT_BYTES }, (request, body, done) => {
      if (request.routeOptions.url !== CSV_UPLOAD_ROUTE) done(unsupportedMediaType(), undefined);
      else done(null, body);
    });
  }
}
