import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EventCatalogue } from '../../../../shared/event-catalogue';
import { ListEventTypesQuery, type EventTypeView } from './list-event-types.query';

@QueryHandler(ListEventTypesQuery)
export class ListEventTypesHandler implements IQueryHandler<ListEventTypesQuery, EventTypeView[]> {
  constructor(private readonly catalogue: EventCatalogue) {}

  async execute(): Promise<EventTypeView[]> {
    return describeCatalogue(this.catalogue);
  }
}

/** The published form of the catalogue (the endpoint and docs/events.md). */
export function describeCatalogue(catalogue: EventCatalogue): EventTypeView[] {
  return catalogue.entries().map((entry) => ({
    type: entry.type,
    module: entry.module,
    description: entry.description,
    subject: [...entry.subject],
    category: entry.category,
    payloadSchema: catalogue.payloadSchema(entry.type),
  }));
}
