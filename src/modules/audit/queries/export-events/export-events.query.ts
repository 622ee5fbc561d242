import { Query } from '@nestjs/cqrs';
import type { Readable } from 'node:stream';

export type ExportFormat = 'ndjson' | 'csv';

/** The organization's events in their exported form, streamed in seq order. */
export class ExportEventsQuery extends Query<Readable> {
  constructor(
    readonly organizationId: string,
    readonly format: ExportFormat,
    readonly range: { from?: Date; to?: Date },
  ) {
    super();
  }
}
