import type { RedisService } from '../queue/redis.service';
import { UserVersions } from './user-versions';

/** A Redis client that keeps what it was sent: plain SETs, and pipelines with the SETs in each. */
function fakeRedis(failWith?: Error) {
  const sets: string[] = [];
  const pipelines: string[][] = [];
  const client = {
    set: async (key: string) => {
      if (failWith) throw failWith;
      sets.push(key);
      return 'OK';
    },
    pipeline: () => {
      const keys: string[] = [];
      const pipeline = {
        set: (key: string) => {
          keys.push(key);
          return pipeline;
        },
        exec: async () => {
          if (failWith) throw failWith;
          pipelines.push(keys);
          return keys.map(() => [null, 'OK']);
        },
      };
      return pipeline;
    },
  };
  const redis = { client, key: (...parts: string[]) => parts.join(':') } as unknown as RedisService;
  return { redis, sets, pipelines };
}

describe(UserVersions.name, () => {
  it('changes one user’s version with a plain SET, the same user named twice once', async () => {
    const { redis, sets, pipelines } = fakeRedis();
    await new UserVersions(redis).bump(['AB-1', 'ab-1']);
    expect(sets).toEqual(['user:v:ab-1']);
    expect(pipelines).toEqual([]);
  });

  it('changes several users’ versions in one pipeline, and sends nothing for none', async () => {
    const { redis, sets, pipelines } = fakeRedis();
    const sut = new UserVersions(redis);
    await sut.bump(['a', 'b']);
    await sut.bump([]);
    expect(pipelines).toEqual([['user:v:a', 'user:v:b']]);
    expect(sets).toEqual([]);
  });

  it('does not fail the committed command when Redis cannot change a version', async () => {
    const { redis } = fakeRedis(new Error('Connection is closed.'));
    const sut = new UserVersions(redis);
    await expect(sut.bump(['a'])).resolves.toBeUndefined();
    await expect(sut.bump(['a', 'b'])).resolves.toBeUndefined();
  });
});
