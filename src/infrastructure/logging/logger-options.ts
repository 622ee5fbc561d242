import type { Params } from 'nestjs-pino';
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

/** Readable lines for a person at a terminal in development, when pino-pretty is installed. */
function developmentTransport(config: AppConfigValues): { transport?: { target: string; options: Record<string, unknown> } } {
  if (config.env !== 'development') return {};
  try {
    require.resolve('pino-pretty');
  } catch {
    return {};
  }
  return { transport: { target: 'pino-pretty', options: { singleLine: true, ignore: 'pid,hostname' } } };
}

export function loggerOptions(config: AppConfigValues): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      ...developmentTransport(config),
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // request bodies are never logged; tokens in URLs are redacted (redact-url.ts)
      serializers: {
        req: (req: { id: unknown; method: string; url: string; headers: Record<string, unknown> }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
          userAgent: req.headers['user-agent'],
        }),
        // a redirect's Location may carry a one-time code (the SSO callback) or a link's token
        res: (res: { statusCode: number; headers?: Record<string, unknown> }) => {
          const location = res.headers?.location;
          return {
            statusCode: res.statusCode,
            headers: typeof location === 'string' ? { ...res.headers, location: redactUrl(location) } : res.headers,
          };
        },
      },
      autoLogging: { ignore: (req) => req.url === '/health/live' || req.url === '/health/ready' || req.url === '/metrics' },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
    },
  };
}
