import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { BatchedReads } from './batched-reads';
import { redisOptions } from './redis-options';

/**
 * A plain Redis client for the state that must be shared by every instance (revocations,
 * rate limits, replay caches). Commands fail at once while Redis is unreachable.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;
  readonly prefix: string;
  private readonly reads: BatchedReads;

  constructor(config: AppConfig) {
    this.prefix = `${config.values.redisKeyPrefix}:`;
    this.client = new Redis({
      ...redisOptions(config.values.redisUrl),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: false,
    });
    // errors surface on the commands that hit them; the connection retries by itself
    this.client.on('error', () => undefined);
    this.reads = new BatchedReads((keys) => this.client.mget(keys));
  }

  /**
   * The keys' values, read with the other reads asked in the same turn of the event loop in
   * one MGET (BatchedReads): the hot path's reads (a request's revocation marks and versions).
   */
  read(keys: readonly string[]): Promise<(string | null)[]> {
    return this.reads.read(keys);
  }

  key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  async ping(timeoutMs = 1000): Promise<boolean> {
    try {
      const answer = await Promise.race([
        this.client.ping(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
      ]);
      return answer === 'PONG';
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.client.disconnect();
  }
}
