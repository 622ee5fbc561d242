import { Global, Module, type DynamicModule } from '@nestjs/common';
import { EventCatalogue } from '../../shared/event-catalogue';
import { EventCatchUp } from './event-catch-up';
import { EventConsumers } from './event-consumers';
import { ExportConnections } from './event-export';
import { EventPartitions } from './event-partitions';
import { EventStore } from './event-store';
import { OutboxRelay } from './outbox-relay';
import { RelayWake } from './relay-wake';
import { UnitOfWork } from './unit-of-work';

/** The event store, given the application's event catalogue (src/event-catalogue.ts): it knows no module itself. */
@Global()
@Module({})
export class EventStoreModule {
  static forRoot(catalogue: EventCatalogue): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [{ provide: EventCatalogue, useValue: catalogue }, EventStore, RelayWake, UnitOfWork, EventConsumers, OutboxRelay, EventCatchUp, EventPartitions, ExportConnections],
      exports: [EventCatalogue, EventStore, UnitOfWork, EventConsumers, OutboxRelay, EventCatchUp, EventPartitions, ExportConnections],
    };
  }
}
