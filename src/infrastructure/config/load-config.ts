import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ZodError } from 'zod';
import { appConfigSchema, type AppConfigValues } from './app-config';

type Json = Record<string, unknown>;

/** Environment variables (API.md) and the config path each overrides. */
const ENVIRONMENT: Record<string, string[]> = {
  PORT: ['port'],
  DATABASE_URL: ['databaseUrl'],
  REDIS_URL: ['redisUrl'],
  REDIS_KEY_PREFIX: ['redisKeyPrefix'],
  PUBLIC_URL: ['publicUrl'],
  APP_ROLE: ['appRole'],
  MIGRATE_ON_START: ['migrateOnStart'],
  LOG_LEVEL: ['logLevel'],
  TRUST_PROXY: ['trustProxy'],
  SMTP_URL: ['smtpUrl'],
  MAIL_FROM: ['mailFrom'],
  MAIL_DIR: ['mailDir'],
  BODY_LIMIT_BYTES: ['bodyLimitBytes'],
  METRICS_TOKEN: ['metricsToken'],
  METRICS_PORT: ['metricsPort'],
  ENCRYPTION_KEY: ['encryptionKey'],
  ENCRYPTION_KEY_FILE: ['encryptionKeyFile'],
  BOOTSTRAP_ORGANIZATION: ['bootstrap', 'organization'],
  BOOTSTRAP_ADMIN_EMAIL: ['bootstrap', 'adminEmail'],
  BOOTSTRAP_ADMIN_PASSWORD: ['bootstrap', 'adminPassword'],
  ACCESS_TOKEN_TTL_SECONDS: ['auth', 'accessTokenTtlSeconds'],
  LOCKOUT_MAX_FAILURES: ['auth', 'lockout', 'maxFailures'],
  LOCKOUT_SECONDS: ['auth', 'lockout', 'lockSeconds'],
  LOCKOUT_IP_MAX_FAILURES: ['auth', 'lockout', 'ipMaxFailures'],
  LOCKOUT_ACCOUNT_MAX_FAILURES: ['auth', 'lockout', 'accountMaxFailures'],
  LOCKOUT_MFA_MAX_FAILURES: ['auth', 'lockout', 'mfaMaxFailures'],
  PASSWORD_HASH_MEMORY_KIB: ['auth', 'passwordHash', 'memoryKiB'],
  PASSWORD_HASH_ITERATIONS: ['auth', 'passwordHash', 'iterations'],
  RATE_LIMIT_ANONYMOUS_POINTS: ['rateLimits', 'anonymous', 'points'],
  RATE_LIMIT_ANONYMOUS_SECONDS: ['rateLimits', 'anonymous', 'durationSeconds'],
  RATE_LIMIT_PASSWORD_FORGOT_POINTS: ['rateLimits', 'passwordForgot', 'points'],
  RATE_LIMIT_PASSWORD_FORGOT_SECONDS: ['rateLimits', 'passwordForgot', 'durationSeconds'],
  OUTBOX_POLL_INTERVAL_MS: ['outbox', 'pollIntervalMs'],
  PAGES_SECURE_COOKIES: ['pages', 'secureCookies'],
  PAGES_RETURN_TO_ORIGINS: ['pages', 'returnToOrigins'],
  MAIL_ATTEMPTS: ['mail', 'attempts'],
  MAIL_BACKOFF_MS: ['mail', 'backoffMs'],
  MAIL_REQUEUE_AFTER_MS: ['mail', 'requeueAfterMs'],
  MAIL_LEASE_MS: ['mail', 'leaseMs'],
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: ['audit', 'checkpointIntervalSeconds'],
  SECURITY_ALERT_ACCOUNT_FAILURES: ['securityAlerts', 'accountFailures'],
  SECURITY_ALERT_IP_FAILURES: ['securityAlerts', 'ipFailures'],
  SECURITY_ALERT_DENIED_BURST: ['securityAlerts', 'deniedBurst'],
  SECURITY_ALERT_KNOWN_ADDRESS_DAYS: ['securityAlerts', 'knownAddressDays'],
  SECURITY_ALERT_MAIL_INTERVAL_SECONDS: ['securityAlerts', 'mailIntervalSeconds'],
  AUDIT_RETENTION_INTERVAL_SECONDS: ['audit', 'retentionIntervalSeconds'],
  AUDIT_RETENTION_BATCH_ROWS: ['audit', 'retentionBatchRows'],
  AUDIT_PARTITION_MONTHS_AHEAD: ['audit', 'partitionMonthsAhead'],
  NOTIFICATION_RETENTION_DAYS: ['notifications', 'retentionDays'],
  WEBHOOK_ALLOW_PRIVATE_TARGETS: ['webhooks', 'allowPrivateTargets'],
  WEBHOOK_ATTEMPTS: ['webhooks', 'attempts'],
  WEBHOOK_BACKOFF_MS: ['webhooks', 'backoffMs'],
  WEBHOOK_TIMEOUT_MS: ['webhooks', 'timeoutMs'],
  WEBHOOK_PAUSE_AFTER_FAILURES: ['webhooks', 'pauseAfterFailures'],
};

export class ConfigError extends Error {}

function readJson(file: string): Json {
  if (!existsSync(file)) return {};
  return JSON.parse(readFileSync(file, 'utf8')) as Json;
}

function merge(base: Json, override: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
        ? merge(current as Json, value as Json)
        : value;
  }
  return out;
}

function setPath(target: Json, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const child: Json = { ...((node[key] as Json | undefined) ?? {}) };
    node[key] = child;
    node = child;
  }
  node[path[path.length - 1]] = value;
}

function describeIssue(error: ZodError): string {
  const issue = error.issues[0];
  const variable = Object.entries(ENVIRONMENT).find(([, path]) => path.join('.') === issue.path.join('.'))?.[0];
  const where = variable ? `${variable} (config: ${issue.path.join('.')})` : `config: ${issue.path.join('.') || '(root)'}`;
  return `Invalid configuration: ${where} ${issue.message}`;
}

/**
 * Reads config/default.json, then config/<NODE_ENV>.json, then the environment variables,
 * and validates the result. The one line of a thrown ConfigError names what is wrong.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfigValues {
  const nodeEnv = env.NODE_ENV ?? 'development';
  const dir = env.CONFIG_DIR ?? resolve(__dirname, '../../../config');
  let values = merge(readJson(join(dir, 'default.json')), readJson(join(dir, `${nodeEnv}.json`)));
  values = { ...values, env: nodeEnv };
  for (const [name, path] of Object.entries(ENVIRONMENT)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') setPath(values, path, raw);
  }
  const parsed = appConfigSchema.safeParse(values);
  if (!parsed.success) throw new ConfigError(describeIssue(parsed.error));
  return parsed.data;
}
