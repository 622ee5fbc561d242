import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import { RedisService } from '../../../infrastructure/queue/redis.service';
import { Clock } from '../../../shared/clock';
import { OrganizationPolicy } from '../domain/organization-policy.entity';
import { DEFAULT_POLICY, type PolicyDocument } from '../domain/policy-document';

export interface VersionedPolicy {
  document: PolicyDocument;
  /** 0 while the organization runs on the defaults. */
  version: number;
}

/** A change announced over pub/sub reaches every instance at once; this bounds the staleness if the message is lost. */
const MAX_AGE_MS = 60_000;
const MAX_ORGANIZATIONS = 10_000;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Reads an organization's effective policy (the defaults until one is saved). The policy
 * is read on every request (IP and time restrictions), so each instance keeps the documents
 * in memory, keyed by organization with their version; a saved change drops the entry here
 * and, over Redis pub/sub, on every other instance. Cached documents are frozen: readers share them.
 */
@Injectable()
export class PolicyStore implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PolicyStore.name);
  private readonly cache = new Map<string, { policy: VersionedPolicy; loadedAt: number }>();
  /** Bumped by each invalidation, so a read that started before a change never caches what it read. */
  private readonly generations = new Map<string, number>();
  private readonly channel: string;
  private subscriber: Redis | null = null;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly redis: RedisService,
    private readonly clock: Clock,
  ) {
    this.channel = redis.key('policies', 'changed');
  }

  onModuleInit(): void {
    // a subscribed connection runs no other command: one of its own, queuing until Redis answers
    const subscriber = this.redis.client.duplicate({ enableOfflineQueue: true });
    subscriber.on('error', () => undefined);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.invalidate(message);
    });
    subscriber.subscribe(this.channel).catch((error: Error) => this.logger.warn(`not subscribed to policy changes: ${error.message}`));
    this.subscriber = subscriber;
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }

  /** The policy if this instance holds it (fresh), without reading: every request's path asks. */
  cached(organizationId: string): VersionedPolicy | null {
    const cached = this.cache.get(organizationId);
    return cached && this.clock.now().getTime() - cached.loadedAt < MAX_AGE_MS ? cached.policy : null;
  }

  async get(organizationId: string): Promise<VersionedPolicy> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(organizationId);
    if (cached && now - cached.loadedAt < MAX_AGE_MS) return cached.policy;
    const generation = this.generations.get(organizationId) ?? 0;
    const policy = deepFreeze(await this.load(organizationId));
    if ((this.generations.get(organizationId) ?? 0) === generation) {
      this.cache.delete(organizationId);
      if (this.cache.size >= MAX_ORGANIZATIONS) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(organizationId, { policy, loadedAt: now });
    }
    return policy;
  }

  /** After a change committed: this instance reads it on its next request, the others when they hear of it. */
  async changed(organizationId: string): Promise<void> {
    this.invalidate(organizationId);
    await this.redis.client
      .publish(this.channel, organizationId)
      .catch((error: Error) => this.logger.warn(`policy change not announced (other instances follow within a minute): ${error.message}`));
  }

  private invalidate(organizationId: string): void {
    this.generations.set(organizationId, (this.generations.get(organizationId) ?? 0) + 1);
    this.cache.delete(organizationId);
  }

  private async load(organizationId: string): Promise<VersionedPolicy> {
    const saved = await this.uow.reader(organizationId).findOne(OrganizationPolicy, { organizationId });
    if (!saved) return { document: structuredClone(DEFAULT_POLICY), version: 0 };
    return { document: { ...structuredClone(DEFAULT_POLICY), ...saved.document }, version: saved.version };
  }
}
