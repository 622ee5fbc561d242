import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RedisService } from '../../../infrastructure/queue/redis.service';
import { SigningKeys } from './signing-keys';
import { VerifiedTokens } from './verified-tokens';

/**
 * Tells every instance of a key rotation, over Redis pub/sub on a channel under the
 * configured key prefix: each stops verifying the retired keys and drops the tokens it
 * cached under them at once, and loads the new key, rather than at its next reload a minute
 * later (until which it would take retired keys' tokens and refuse the new key's). A
 * message lost while Redis is away is made up by that reload.
 */
@Injectable()
export class SigningKeyRetirements implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SigningKeyRetirements.name);
  private readonly channel: string;
  private subscriber: Redis | null = null;

  constructor(
    private readonly redis: RedisService,
    private readonly keys: SigningKeys,
    private readonly verified: VerifiedTokens,
  ) {
    this.channel = redis.key('signing-keys', 'rotated');
  }

  onModuleInit(): void {
    // a connection of its own: a subscribed connection runs no other command; it queues the
    // subscription until Redis answers, so start-up does not wait on Redis
    const subscriber = this.redis.client.duplicate({ enableOfflineQueue: true });
    subscriber.on('error', () => undefined);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.apply(retiredIn(message));
    });
    subscriber.subscribe(this.channel).catch((error: Error) => this.logger.warn(`not subscribed to key rotations: ${error.message}`));
    this.subscriber = subscriber;
  }

  /** After the rotation committed (and this instance reloaded): tells every instance, this one too. */
  async announce(rotation: { kid: string; retired: readonly string[] }): Promise<void> {
    this.apply(rotation.retired);
    await this.redis.client
      .publish(this.channel, JSON.stringify(rotation))
      .catch((error: Error) => this.logger.warn(`key rotation not announced (other instances follow at their next reload): ${error.message}`));
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }

  private apply(retired: readonly string[]): void {
    this.keys.forget(retired);
    for (const kid of retired) this.verified.forgetKey(kid);
    this.keys.reload().catch((error: Error) => this.logger.warn(`signing keys not reloaded: ${error.message}`));
  }
}

function retiredIn(message: string): string[] {
  try {
    const { retired } = JSON.parse(message) as { retired?: unknown };
    return Array.isArray(retired) ? retired.filter((kid): kid is string => typeof kid === 'string') : [];
  } catch {
    return [];
  }
}
