import Fastify from 'fastify';
import { trustProxy } from './app.factory';

/** The client address fastify derives for a request from 127.0.0.1 with this X-Forwarded-For. */
async function clientAddress(setting: string | null, forwardedFor: string): Promise<string> {
  const app = Fastify({ trustProxy: trustProxy(setting) });
  app.get('/', (request) => ({ ip: request.ip }));
  const response = await app.inject({ method: 'GET', url: '/', headers: { 'x-forwarded-for': forwardedFor } });
  await app.close();
  return response.json<{ ip: string }>().ip;
}

describe(trustProxy.name, () => {
  it('believes the last N hops of X-Forwarded-For for a hop count, as before fastify 5.12 (which trusts nobody for a bare number)', async () => {
    expect(await clientAddress('1', '203.0.113.7, 198.51.100.2')).toBe('198.51.100.2');
    expect(await clientAddress('2', '203.0.113.7, 198.51.100.2')).toBe('203.0.113.7');
  });

  it('believes nobody when unset or false, and only the listed proxies otherwise', async () => {
    expect(await clientAddress(null, '203.0.113.7')).toBe('127.0.0.1');
    expect(await clientAddress('false', '203.0.113.7')).toBe('127.0.0.1');
    expect(await clientAddress('10.0.0.1', '203.0.113.7')).toBe('127.0.0.1');
    expect(await clientAddress('127.0.0.1', '203.0.113.7')).toBe('203.0.113.7');
  });
});
