import { Readable } from 'node:stream';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import type { StoredEvent } from '../../../../infrastructure/event-store/event-hash';
import { ExportConnections, exportNdjson } from '../../../../infrastructure/event-store/event-export';
import { EventStore } from '../../../../infrastructure/event-store/event-store';
import { ExportEventsQuery } from './export-events.query';

const CHUNK_LINES = 500;

const CSV_COLUMNS = ['id', 'organizationId', 'seq', 'type', 'actor', 'subject', 'payload', 'occurredAt', 'prevHash', 'hash'] as const;

function csvField(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsvLine(event: StoredEvent): string {
  return CSV_COLUMNS.map((column) => csvField(event[column])).join(',') + '\r\n';
}

/**
 * One JSON object a line, exactly the hashed form, so anyone can verify the export. The
 * NDJSON export builds its lines in PostgreSQL (exportNdjson) to this very byte; this is the
 * definition its tests compare with.
 */
export function toNdjsonLine(event: StoredEvent): string {
  const { id, organizationId, seq, type, actor, subject, payload, occurredAt, prevHash, hash } = event;
  return JSON.stringify({ id, organizationId, seq, type, actor, subject, payload, occurredAt, prevHash, hash }) + '\n';
}

@QueryHandler(ExportEventsQuery)
export class ExportEventsHandler implements IQueryHandler<ExportEventsQuery, Readable> {
  constructor(
    private readonly em: EntityManager,
    private readonly store: EventStore,
    private readonly exports: ExportConnections,
  ) {}

  execute({ organizationId, format, range }: ExportEventsQuery): Promise<Readable> {
    if (format === 'ndjson') return Promise.resolve(Readable.from(exportNdjson(this.em.fork(), this.exports.pool, organizationId, range)));
    const events = this.store.read(this.em.fork(), organizationId, range);
    // a chunk per batch of lines, not per line: a million tiny writes cost more than the query
    async function* lines(): AsyncGenerator<string> {
      let chunk = CSV_COLUMNS.join(',') + '\r\n';
      let count = 0;
      for await (const event of events) {
        chunk += toCsvLine(event);
        if (++count % CHUNK_LINES === 0) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
    return Promise.resolve(Readable.from(lines()));
  }
}
