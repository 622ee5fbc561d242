import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './load-config';

describe(loadConfig.name, () => {
  it('takes the defaults and lets the environment override them', () => {
    const config = loadConfig({ NODE_ENV: 'test', PORT: '4100', REDIS_KEY_PREFIX: '{x}' });
    expect(config.port).toBe(4100);
    expect(config.redisKeyPrefix).toBe('{x}');
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/gatehouse');
    expect(config.bootstrap.adminEmail).toBe('admin@example.com');
  });

  it('refuses a bad value with one line naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'test', PORT: 'eighty' })).toThrow(/^Invalid configuration: PORT /);
    expect(() => loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'mysql://x/y' })).toThrow(
      /DATABASE_URL .*must be a postgres or postgresql URL/,
    );
    expect(() => loadConfig({ NODE_ENV: 'test', APP_ROLE: 'both' })).toThrow(/APP_ROLE/);
  });

  it('hashes passwords at OWASP\'s argon2id cost unless told, and refuses less in production', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).auth.passwordHash).toEqual({ memoryKiB: 19456, iterations: 2 });
    const key = randomBytes(32).toString('base64');
    expect(() => loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: key, PASSWORD_HASH_MEMORY_KIB: '1024' })).toThrow(
      /^Invalid configuration: PASSWORD_HASH_MEMORY_KIB .*at least 19456/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: key, PASSWORD_HASH_ITERATIONS: '1' })).toThrow(
      /^Invalid configuration: PASSWORD_HASH_ITERATIONS .*at least 2/,
    );
    expect(loadConfig({ NODE_ENV: 'test', PASSWORD_HASH_MEMORY_KIB: '2048' }).auth.passwordHash.memoryKiB).toBe(2048);
  });

  it('refuses a short bootstrap password', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', BOOTSTRAP_ADMIN_PASSWORD: 'short' })).toThrow(
      /BOOTSTRAP_ADMIN_PASSWORD .*at least 12/,
    );
  });

  it('strips a trailing slash from PUBLIC_URL', () => {
    expect(loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://id.example.com/' }).publicUrl).toBe(
      'https://id.example.com',
    );
  });

  it('takes TRUST_PROXY as true, false, a hop count or proxy addresses and CIDRs, and refuses anything else by name', () => {
    for (const value of ['true', 'false', '2', '10.0.0.1', '10.0.0.0/8, 2001:db8::/32', 'loopback,192.0.2.7']) {
      expect(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: value }).trustProxy).toBe(value);
    }
    for (const value of ['yes', '10.0.0.0/33', 'proxy.example.com', '10.0.0.1,', '2001:db8::/129']) {
      expect(() => loadConfig({ NODE_ENV: 'test', TRUST_PROXY: value })).toThrow(/^Invalid configuration: TRUST_PROXY /);
    }
  });

  it('takes the retention pass interval and the months of partitions made ahead, refusing a bad one by name', () => {
    const config = loadConfig({ NODE_ENV: 'test', AUDIT_RETENTION_INTERVAL_SECONDS: '60', AUDIT_PARTITION_MONTHS_AHEAD: '4', AUDIT_RETENTION_BATCH_ROWS: '500' });
    expect(config.audit).toMatchObject({ retentionIntervalSeconds: 60, partitionMonthsAhead: 4, retentionBatchRows: 500 });
    expect(loadConfig({ NODE_ENV: 'test' }).audit).toMatchObject({ retentionIntervalSeconds: 3600, partitionMonthsAhead: 2, retentionBatchRows: 10_000 });
    expect(loadConfig({ NODE_ENV: 'test' }).notifications).toEqual({ retentionDays: 90 });
    expect(loadConfig({ NODE_ENV: 'test', NOTIFICATION_RETENTION_DAYS: '0' }).notifications).toEqual({ retentionDays: 0 });
    expect(() => loadConfig({ NODE_ENV: 'test', NOTIFICATION_RETENTION_DAYS: '-1' })).toThrow(/^Invalid configuration: NOTIFICATION_RETENTION_DAYS /);
    expect(() => loadConfig({ NODE_ENV: 'test', AUDIT_RETENTION_BATCH_ROWS: '0' })).toThrow(/^Invalid configuration: AUDIT_RETENTION_BATCH_ROWS /);
    expect(() => loadConfig({ NODE_ENV: 'test', AUDIT_PARTITION_MONTHS_AHEAD: '0' })).toThrow(/^Invalid configuration: AUDIT_PARTITION_MONTHS_AHEAD /);
    expect(() => loadConfig({ NODE_ENV: 'test', AUDIT_RETENTION_INTERVAL_SECONDS: 'hourly' })).toThrow(/^Invalid configuration: AUDIT_RETENTION_INTERVAL_SECONDS /);
  });

  it('refuses an unknown environment', () => {
    expect(() => loadConfig({ NODE_ENV: 'staging' })).toThrow(/config: env/);
  });
});

describe('the encryption key', () => {
  it('must be set in production, where no default exists', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/^Invalid configuration: ENCRYPTION_KEY .*must be set/);
  });

  it('is refused in production when it is a key from the repository, in whichever encoding', () => {
    const testKey = loadConfig({ NODE_ENV: 'test' }).encryptionKey!;
    const formerDevelopmentKey = 'ZGV2ZWxvcG1lbnQtb25seS1rZXktY2hhbmdlLW1lISE';
    for (const key of [testKey, Buffer.from(testKey, 'base64').toString('hex'), formerDevelopmentKey]) {
      expect(() => loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: key })).toThrow(
        /^Invalid configuration: ENCRYPTION_KEY .*published in the Gatehouse repository/,
      );
      expect(() => loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: key })).not.toThrow(key);
    }
  });

  it('is taken in production when it is one of the operator’s own', () => {
    const own = randomBytes(32).toString('base64');
    expect(loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: own }).encryptionKey).toBe(own);
  });

  it('may be unset outside production, where the key file supplies it', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(config.encryptionKey).toBeNull();
    expect(config.encryptionKeyFile).toBe('var/encryption.key');
    expect(loadConfig({ NODE_ENV: 'development', ENCRYPTION_KEY_FILE: '/tmp/k' }).encryptionKeyFile).toBe('/tmp/k');
  });

  it('must be 32 bytes, and the error does not echo it', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', ENCRYPTION_KEY: 'c2hvcnQ' })).toThrow(/ENCRYPTION_KEY/);
    expect(() => loadConfig({ NODE_ENV: 'test', ENCRYPTION_KEY: 'c2hvcnQ' })).not.toThrow(/c2hvcnQ/);
  });
});

describe('the metrics settings', () => {
  it('are off by default, and read from METRICS_TOKEN and METRICS_PORT', () => {
    expect(loadConfig({ NODE_ENV: 'test' })).toMatchObject({ metricsToken: null, metricsPort: null });
    expect(loadConfig({ NODE_ENV: 'test', METRICS_TOKEN: 'a-long-scrape-token-0123', METRICS_PORT: '9464' })).toMatchObject({
      metricsToken: 'a-long-scrape-token-0123',
      metricsPort: 9464,
    });
  });

  it('refuse a short token and a metrics port equal to PORT', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', METRICS_TOKEN: 'short' })).toThrow(/^Invalid configuration: METRICS_TOKEN .*at least 16/);
    expect(() => loadConfig({ NODE_ENV: 'test', PORT: '3000', METRICS_PORT: '3000' })).toThrow(/^Invalid configuration: METRICS_PORT .*must differ from PORT/);
  });
});
