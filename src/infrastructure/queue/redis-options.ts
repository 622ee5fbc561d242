import type { RedisOptions } from 'bullmq';

/** The longest wait of a BullMQ connection between two attempts to reach Redis. */
export const MAX_QUEUE_RECONNECT_DELAY_MS = 2000;

/**
 * A BullMQ connection tries again after 1 s, then every 2 s. BullMQ's own back-off (e^n ms,
 * 1 s to 20 s) left workers and queues waiting up to 20 s after Redis was back: jobs waited,
 * and a queue closed meanwhile waited for the next attempt to send its QUIT.
 */
export function queueReconnectDelay(attempt: number): number {
  return Math.min(1000 * attempt, MAX_QUEUE_RECONNECT_DELAY_MS);
}

/**
 * ioredis options from a redis:// or rediss:// URL. BullMQ ignores `connection: { url }`
 * silently, so the URL is taken apart here.
 */
export function redisOptions(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  const db = url.pathname.replace(/^\//, '');
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}
