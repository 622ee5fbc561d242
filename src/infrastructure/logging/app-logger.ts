import type { LoggerService } from '@nestjs/common';
import pino, { type Level, type Logger } from 'pino';
import type { AppConfigValues } from '../config/app-config';
import { redactUrl } from './redact-url';

/** Paths pino must never write: credentials, tokens and personal data in bodies. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.refreshToken',
  '*.accessToken',
  '*.secret',
];

/** Routes probed many times a second by orchestrators and scrapers: never one line each. */
const UNLOGGED_URLS = new Set(['/health/live', '/health/ready', '/metrics']);

export interface CompletedRequest {
  id: unknown;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface CompletedReply {
  statusCode: number;
  elapsedTime: number;
  getHeader(name: string): unknown;
}

/** Readable lines for a person at a terminal in development, when pino-pretty is installed. */
function developmentTransport(config: AppConfigValues): pino.TransportSingleOptions | null {
  if (config.env !== 'development') return null;
  try {
    require.resolve('pino-pretty');
  } catch {
    return null;
  }
  return { target: 'pino-pretty', options: { singleLine: true, ignore: 'pid,hostname' } };
}

function rootLogger(config: AppConfigValues): Logger {
  const options = { level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  const transport = developmentTransport(config);
  if (transport) return pino({ ...options, transport });
  // written asynchronously: a request never waits on stdout (pino flushes it at exit)
  return pino(options, pino.destination({ dest: 1, sync: false }));
}

/**
 * The process's one logger: Nest's LoggerService over pino, JSON lines on stdout. A request
 * is logged as one line when it completes, and only when its level is on (successes at debug,
 * refusals at info, failures at error), so a request that is not logged costs one comparison;
 * there is no per-request child logger or async context.
 */
export class AppLogger implements LoggerService {
  readonly pino: Logger;

  constructor(config: AppConfigValues) {
    this.pino = rootLogger(config);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.call('trace', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.call('debug', message, params);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.call('info', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.call('warn', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.call('error', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.call('fatal', message, params);
  }

  /** The line of a completed request, if its level is on. Bodies are never logged; secrets in URLs are redacted. */
  request(request: CompletedRequest, reply: CompletedReply): void {
    const status = reply.statusCode;
    // a 429 or 503 with Retry-After is a limit or shed load, refused on purpose: under a flood a
    // line each would cost more than the refusal; whoever refuses logs a sample, metrics count all
    if ((status === 429 || status === 503) && reply.getHeader('retry-after') !== undefined) return;
    const level: Level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
    if (!this.pino.isLevelEnabled(level) || UNLOGGED_URLS.has(request.url)) return;
    // a redirect's Location may carry a one-time code (the SSO callback) or a link's token
    const location = reply.getHeader('location');
    this.pino[level](
      {
        req: { id: request.id, method: request.method, url: redactUrl(request.url), userAgent: request.headers['user-agent'] },
        res: { statusCode: status, ...(typeof location === 'string' ? { headers: { location: redactUrl(location) } } : {}) },
        responseTime: Math.round(reply.elapsedTime),
      },
      status >= 500 ? 'request errored' : 'request completed',
    );
  }

  /** Nest's contract: the context comes last; an object first is merged into the line. */
  private call(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    let rest = params;
    if (params.length) {
      fields.context = params[params.length - 1];
      rest = params.slice(0, -1);
    }
    if (message instanceof Error) {
      fields.err = message;
      this.pino[level](fields, ...(rest as [string]));
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...fields, ...message }, ...(rest as [string]));
    } else if (level === 'error' && typeof message === 'string' && rest.length === 1 && typeof rest[0] === 'string' && /\n\s*at /.test(rest[0])) {
      // Nest's own exception handlers pass (message, stack, context)
      const err = new Error(message);
      err.stack = rest[0];
      this.pino[level]({ ...fields, err });
    } else {
      this.pino[level](fields, String(message), ...(rest as []));
    }
  }
}
