import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { parseMultipart } from './multipart-form';

/** The page route that takes a file: the avatar upload, a form without JavaScript. */
export const AVATAR_FORM_ROUTE = '/account/avatar';
/** The picture's own limit (1 MiB) and room for the form around it. */
const AVATAR_FORM_MAX_BYTES = 1024 * 1024 + 16 * 1024;

/**
 * Parses multipart/form-data for the avatar form only, into `{ _csrf, avatar }` (the file as
 * bytes, as the API's raw image body is), so the CSRF guard and SetAvatarCommand see what
 * they see elsewhere. Every other route keeps refusing the media type.
 */
@Injectable()
export class AvatarFormParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || fastify.hasContentTypeParser('multipart/form-data')) return;
    fastify.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: AVATAR_FORM_MAX_BYTES }, (request, body, done) => {
      if (request.routeOptions.url !== AVATAR_FORM_ROUTE) {
        return done(Object.assign(new Error('This endpoint does not accept this media type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }), undefined);
      }
      const parts = parseMultipart(body as Buffer, request.headers['content-type']);
      if (!parts) return done(Object.assign(new Error('The form is not valid multipart/form-data'), { statusCode: 400 }), undefined);
      const form: Record<string, string | Buffer> = {};
      for (const part of parts) form[part.name] = part.filename === null ? part.data.toString('utf8') : part.data;
      done(null, form);
    });
  }
}
