import { isIP } from 'node:net';
import { z } from 'zod';
import { isRepositoryKey } from '../security/repository-keys';
import { parseEncryptionKey } from '../security/secret-box';

const url = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((value) => protocols.includes(new URL(value).protocol), {
      message: `must be a ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL`,
    });

const boolean = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]);
const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const rateLimit = z.object({ points: integer(1, 1_000_000), durationSeconds: integer(1, 86400) });

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, a CIDR range, or one of proxy-addr's names for the private ranges. */
function isProxy(entry: string): boolean {
  if (PROXY_NAMES.includes(entry)) return true;
  const [address, prefix, extra] = entry.split('/');
  const version = isIP(address);
  if (!version || extra !== undefined) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}

/** TRUST_PROXY: `true`, `false`, a hop count, or proxies (addresses, CIDRs) separated by commas. */
const trustProxy = z
  .string()
  .min(1)
  .refine((value) => /^(true|false|\d{1,2})$/.test(value) || value.split(',').every((entry) => isProxy(entry.trim())), {
    message: 'must be true, false, a number of hops, or proxy addresses/CIDRs separated by commas (e.g. 10.0.0.0/8,::1)',
  });

/** False for a malformed key: the field's own check reports that one. */
function isPublishedKey(value: string): boolean {
  try {
    return isRepositoryKey(parseEncryptionKey(value));
  } catch {
    return false;
  }
}

export const appConfigSchema = z
  .object({
    env: z.enum(['development', 'test', 'production']),
    port: integer(0, 65535),
    databaseUrl: url(['postgres:', 'postgresql:']),
    redisUrl: url(['redis:', 'rediss:']),
    redisKeyPrefix: z.string().min(1).max(64),
    publicUrl: url(['http:', 'https:']).transform((v) => v.replace(/\/+$/, '')),
    appRole: z.enum(['all', 'api', 'worker']),
    migrateOnStart: boolean,
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    trustProxy: trustProxy.nullable(),
    smtpUrl: url(['smtp:', 'smtps:']).nullable(),
    mailFrom: z.string().min(3),
    mailDir: z.string().min(1),
    bodyLimitBytes: integer(1024, 64 * 1024 * 1024),
    metricsToken: z.string().min(16, 'must be at least 16 characters, e.g. `openssl rand -hex 32`').nullable(),
    metricsPort: integer(1, 65535).nullable(),
    encryptionKey: z
      .string()
      .nullable()
      .superRefine((value, ctx) => {
        if (value === null) return;
        try {
          parseEncryptionKey(value);
        } catch (error) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
        }
      }),
    // where a development or test start keeps the key it generated when ENCRYPTION_KEY is unset
    encryptionKeyFile: z.string().min(1),
    bootstrap: z.object({
      organization: z
        .string()
        .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a slug: lowercase letters, digits and dashes'),
      adminEmail: z.string().email(),
      adminPassword: z.string().min(12, 'must be at least 12 characters').max(256).nullable(),
    }),
    auth: z.object({
      accessTokenTtlSeconds: integer(60, 86400),
      audience: z.string().min(1),
      lockout: z.object({
        maxFailures: integer(1, 100),
        lockSeconds: integer(1, 86400),
        maxLockSeconds: integer(1, 7 * 86400),
        failureWindowSeconds: integer(60, 7 * 86400),
        delayStepMs: integer(0, 5000),
        ipMaxFailures: integer(1, 100000),
        ipWindowSeconds: integer(60, 86400),
        accountMaxFailures: integer(1, 10000),
        mfaMaxFailures: integer(1, 100),
        challengeMaxAttempts: integer(1, 100),
        reverifyMaxFailures: integer(1, 100),
        knownAddressDays: integer(1, 3650),
      }),
      // argon2id cost of new hashes (a verify reads the cost from the hash it checks)
      passwordHash: z.object({
        memoryKiB: integer(1024, 1024 * 1024),
        iterations: integer(1, 10),
      }),
    }),
    rateLimits: z.object({
      anonymous: rateLimit,
      passwordForgot: rateLimit,
      refusalSampleSeconds: integer(1, 86400),
    }),
    outbox: z.object({
      pollIntervalMs: integer(50, 60000),
      batchSize: integer(1, 5000),
    }),
    pages: z.object({
      // outside development the page cookies are Secure; plain-http tests and demos switch it off
      secureCookies: boolean,
      // origins besides PUBLIC_URL a page may send a person back to after signing in (returnTo)
      returnToOrigins: z
        .union([z.array(z.string()), z.string().transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))])
        .pipe(
          z.array(
            url(['http:', 'https:']).refine((v) => new URL(v).origin === v.replace(/\/+$/, ''), { message: 'must be an origin: scheme, host and port only' }),
          ),
        )
        .transform((origins) => origins.map((o) => new URL(o).origin)),
    }),
    audit: z.object({
      checkpointIntervalSeconds: integer(1, 7 * 24 * 3600),
      retentionIntervalSeconds: integer(1, 7 * 24 * 3600),
      // rows of each read model a retention transaction removes at most (one audit.retention_applied each)
      retentionBatchRows: integer(1, 1_000_000),
      partitionMonthsAhead: integer(1, 24),
    }),
    notifications: z.object({
      // in-app notices older than this are deleted by the worker's hourly pass; 0 keeps them
      retentionDays: integer(0, 3650),
    }),
    // the security detector's thresholds (src/modules/audit/domain/security-rules.ts)
    securityAlerts: z.object({
      accountFailures: integer(1, 10_000),
      accountWindowSeconds: integer(60, 7 * 86400),
      ipFailures: integer(1, 100_000),
      ipWindowSeconds: integer(60, 7 * 86400),
      deniedBurst: integer(1, 10_000),
      deniedWindowSeconds: integer(10, 86400),
      knownAddressDays: integer(1, 3650),
      groupWindowSeconds: integer(60, 30 * 86400),
      // the least time between two alert mails of an organization (0: a mail every pass that opens alerts)
      mailIntervalSeconds: integer(0, 86400),
    }),
    webhooks: z.object({
      allowPrivateTargets: boolean,
      attempts: integer(1, 50),
      backoffMs: integer(10, 3_600_000),
      timeoutMs: integer(100, 60_000),
      pauseAfterFailures: integer(1, 10_000),
    }),
    mail: z.object({
      attempts: integer(1, 50),
      backoffMs: integer(10, 3_600_000),
      requeueAfterMs: integer(1000, 7 * 24 * 3_600_000),
      leaseMs: integer(1000, 3_600_000),
    }),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.metricsPort !== null && config.metricsPort === config.port) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['metricsPort'], message: 'must differ from PORT, or be unset to serve /metrics on PORT' });
    }
    if (config.env !== 'production') return;
    // only tests may hash below OWASP's argon2id minimum (19 MiB, t=2)
    const { memoryKiB, iterations } = config.auth.passwordHash;
    if (memoryKiB < 19 * 1024) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['auth', 'passwordHash', 'memoryKiB'], message: 'must be at least 19456 (OWASP\'s argon2id minimum) in production' });
    }
    if (iterations < 2) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['auth', 'passwordHash', 'iterations'], message: 'must be at least 2 (OWASP\'s argon2id minimum) in production' });
    }
    // a generated key file suits one developer's machine; production names its key explicitly
    if (config.encryptionKey === null) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['encryptionKey'],
        message: 'must be set in production: 32 random bytes of your own, e.g. `openssl rand -base64 32`',
      });
    } else if (isPublishedKey(config.encryptionKey)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['encryptionKey'],
        message: 'is a key published in the Gatehouse repository, refused in production: generate your own with `openssl rand -base64 32`',
      });
    }
  });

export type AppConfigValues = z.infer<typeof appConfigSchema>;

/** The validated configuration, injected wherever settings are needed. */
export abstract class AppConfig {
  abstract readonly values: AppConfigValues;
}
