import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BullModule } from '@nestjs/bullmq';
import { AppConfig } from '../config/app-config';
import { queueReconnectDelay, redisOptions } from './redis-options';
import { QueueErrors } from './queue-errors';
import { RedisService } from './redis.service';

/** BullMQ on Redis, with the key prefix of this deployment (a hash tag, for Redis Cluster). */
@Global()
@Module({
  imports: [
    DiscoveryModule,
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        connection: { ...redisOptions(config.values.redisUrl), retryStrategy: queueReconnectDelay },
        prefix: config.values.redisKeyPrefix,
        defaultJobOptions: {
          attempts: 10,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: { age: 3600, count: 10000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      }),
    }),
  ],
  providers: [RedisService, QueueErrors],
  exports: [BullModule, RedisService],
})
export class QueueModule {}
