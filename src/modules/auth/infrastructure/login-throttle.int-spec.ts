import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../../../infrastructure/config/app-config';
import { RedisService } from '../../../infrastructure/queue/redis.service';
import { RateLimits } from '../../../infrastructure/security/rate-limits';
import { REDIS_URL } from '../../../../test/support/test-env';
import { LoginThrottle, SignInLockedError, type Factor } from './login-throttle';

const LOCKOUT = {
  maxFailures: 3,
  lockSeconds: 900,
  maxLockSeconds: 86400,
  failureWindowSeconds: 43200,
  delayStepMs: 0,
  ipMaxFailures: 7,
  ipWindowSeconds: 900,
  accountMaxFailures: 5,
  mfaMaxFailures: 3,
  challengeMaxAttempts: 5,
  reverifyMaxFailures: 5,
  knownAddressDays: 90,
};

// 'complete': a success that completes the sign-in, so its address becomes known in the settlement
type Step = { ip: string; factor: Factor; outcome: 'fail' | 'succeed' | 'complete' | 'abandon' } | { remember: string };

/** What a run of attempts answered, and what it left in Redis (by key, prefix stripped). */
async function play(throttle: LoginThrottle, redis: RedisService, steps: Step[]): Promise<{ answers: unknown[]; stored: Record<string, unknown> }> {
  const account = throttle.accountKey('org', 'someone@example.com');
  const answers: unknown[] = [];
  for (const step of steps) {
    if ('remember' in step) {
      await throttle.rememberAddress(account, step.remember);
      continue;
    }
    try {
      const reservation = await throttle.reserve(account, step.ip, step.factor);
      if (step.outcome === 'fail') answers.push(await reservation.failed());
      else if (step.outcome === 'succeed') answers.push(await reservation.succeeded());
      else if (step.outcome === 'complete') answers.push(await reservation.succeeded({ rememberAddress: true }));
      else answers.push(await reservation.abandoned());
    } catch (error) {
      if (!(error instanceof SignInLockedError)) throw error;
      answers.push({ locked: error.scope, retryAfter: Math.round((error.retryAfterSeconds ?? 0) / 10) });
    }
  }
  const keys = (await redis.client.keys(`${redis.prefix}rl:*`)).sort();
  const values = keys.length ? await redis.client.mget(...keys) : [];
  const stored: Record<string, unknown> = Object.fromEntries(keys.map((key, i) => [key.slice(redis.prefix.length), values[i]]));
  // the account's known addresses, and whether they expire as rememberAddress sets them (90 days)
  for (const key of await redis.client.keys(`${redis.prefix}signin-known*`)) {
    stored[key.slice(redis.prefix.length)] = { members: (await redis.client.smembers(key)).sort(), days: Math.round((await redis.client.ttl(key)) / 86400) };
  }
  return { answers, stored };
}

describe(LoginThrottle.name, () => {
  const services: RedisService[] = [];

  async function throttle(): Promise<{ sut: LoginThrottle; redis: RedisService }> {
    const config = { values: { redisUrl: REDIS_URL, redisKeyPrefix: `gh_test_${randomUUID()}`, auth: { lockout: LOCKOUT } } } as unknown as AppConfig;
    const redis = new RedisService(config);
    services.push(redis);
    if (redis.client.status !== 'ready') await new Promise((resolve) => redis.client.once('ready', resolve));
    return { sut: new LoginThrottle(new RateLimits(redis), redis, config), redis };
  }

  afterAll(async () => {
    for (const redis of services) {
      const keys = await redis.client.keys(`${redis.prefix}*`);
      if (keys.length) await redis.client.del(...keys);
      await redis.onApplicationShutdown();
    }
  });

  it('reserves and settles in one script exactly as the limits taken one by one do', async () => {
    const fail = (ip: string, factor: Factor = 'password'): Step => ({ ip, factor, outcome: 'fail' });
    const steps: Step[] = [
      fail('10.0.0.1'),
      fail('10.0.0.1'),
      { ip: '10.0.0.1', factor: 'password', outcome: 'complete' },
      ...Array.from({ length: 4 }, () => fail('10.0.0.2')),
      fail('10.0.0.3'),
      { ip: '10.0.0.1', factor: 'password', outcome: 'succeed' },
      { ip: '10.0.0.1', factor: 'mfa', outcome: 'abandon' },
      fail('10.0.0.1', 'mfa'),
      { ip: '10.0.0.1', factor: 'mfa', outcome: 'succeed' },
      { remember: '10.0.0.4' },
      { ip: '10.0.0.4', factor: 'password', outcome: 'complete' },
      fail('10.0.0.1'),
      ...Array.from({ length: 3 }, () => fail('10.0.0.1', 'mfa')),
    ];
    const atOnce = await throttle();
    const oneByOne = await throttle();
    const script = jest.spyOn(atOnce.redis.client as unknown as { gatehouseSignInReserve: () => unknown }, 'gatehouseSignInReserve');
    // the path taken when Redis cannot run the scripts: every limit on its own
    const scripts = oneByOne.redis.client as unknown as Record<'gatehouseSignInReserve' | 'gatehouseSignInSettle', () => Promise<never>>;
    jest.spyOn(scripts, 'gatehouseSignInReserve').mockRejectedValue(new Error('NOSCRIPT'));
    jest.spyOn(scripts, 'gatehouseSignInSettle').mockRejectedValue(new Error('NOSCRIPT'));

    const expected = await play(oneByOne.sut, oneByOne.redis, steps);
    const actual = await play(atOnce.sut, atOnce.redis, steps);

    expect(script).toHaveBeenCalled();
    expect(actual.answers).toEqual(expected.answers);
    expect(actual.stored).toEqual(expected.stored);
    // the run locked the pair after 3 failures, the account for unknown addresses after 5 (on the same attempt), and let the known address in
    expect(expected.answers).toEqual(
      expect.arrayContaining([expect.objectContaining({ locked: 'account_address' }), expect.objectContaining({ locked: 'account' }), expect.objectContaining({ lockScope: 'account' }), expect.objectContaining({ lockScope: 'account_address' })]),
    );
    expect(expected.answers.filter((answer) => answer === undefined)).toHaveLength(5);
    expect(Object.values(actual.stored)).toContainEqual({ members: ['10.0.0.1', '10.0.0.4'], days: 90 });
  });
});
