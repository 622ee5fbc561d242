import { Query } from '@nestjs/cqrs';

export interface EventTypeView {
  type: string;
  module: string;
  description: string;
  subject: string[];
  category: string | null;
  payloadSchema: Record<string, unknown>;
}

/** The event catalogue as published: every type any module records, its meaning and its payload's JSON Schema. */
export class ListEventTypesQuery extends Query<EventTypeView[]> {}
