import { Global, Module } from '@nestjs/common';
import { EventCatchUp } from './event-catch-up';
import { EventConsumers } from './event-consumers';
import { EventPartitions } from './event-partitions';
import { EventStore } from './event-store';
import { OutboxRelay } from './outbox-relay';
import { UnitOfWork } from './unit-of-work';

@Global()
@Module({
  providers: [EventStore, UnitOfWork, EventConsumers, OutboxRelay, EventCatchUp, EventPartitions],
  exports: [EventStore, UnitOfWork, EventConsumers, OutboxRelay, EventCatchUp, EventPartitions],
})
export class EventStoreModule {}
