import { MAX_QUEUE_RECONNECT_DELAY_MS, queueReconnectDelay, redisOptions } from './redis-options';

describe(redisOptions.name, () => {
  it('takes host, port, credentials, db and TLS apart from the URL', () => {
    expect(redisOptions('rediss://user:p%40ss@cache.internal:6380/2')).toEqual({
      host: 'cache.internal',
      port: 6380,
      username: 'user',
      password: 'p@ss',
      db: 2,
      tls: {},
      maxRetriesPerRequest: null,
    });
  });

  it('defaults the port and leaves out what the URL does not say', () => {
    expect(redisOptions('redis://127.0.0.1')).toEqual({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null });
  });

  it('has a BullMQ connection try again after 1 s, then never wait more than MAX_QUEUE_RECONNECT_DELAY_MS', () => {
    expect([1, 2, 3, 10, 1000].map(queueReconnectDelay)).toEqual([1000, 2000, 2000, 2000, 2000]);
    expect(MAX_QUEUE_RECONNECT_DELAY_MS).toBe(2000);
  });
});
