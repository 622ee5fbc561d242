import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AVATAR_MAX_BYTES } from '../domain/avatar-image';

/** The media types an avatar upload may be sent as; what it really is is read from its bytes. */
export const IMAGE_BODY_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream'];

/** The only route that takes a raw image body. */
export const AVATAR_UPLOAD_ROUTE = '/api/v1/me/avatar';

function unsupportedMediaType(): Error {
  return Object.assign(new Error('This endpoint does not accept this media type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
}

/**
 * Reads raw image bodies into a Buffer, with their own 1 MiB limit (a larger declared or
 * streamed body is a 413 as soon as it is known, before the rest is read). Other routes
 * keep refusing these types with a 415.
 */
@Injectable()
export class ImageBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    const types = IMAGE_BODY_TYPES.filter((type) => !fastify.hasContentTypeParser(type));
    if (!types.length) return;
    fastify.addContentTypeParser(types, { parseAs: 'buffer', bodyLimit: AVATAR_MAX_BYTES }, (request, body, done) => {
      if (request.routeOptions.url !== AVATAR_UPLOAD_ROUTE) done(unsupportedMediaType(), undefined);
      else done(null, body);
    });
  }
}
