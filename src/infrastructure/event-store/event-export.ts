import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Pool } from 'pg';
import { AppConfig } from '../config/app-config';
import { RFC3339_MS } from './event-store';

/**
 * Seqs per query: about 110 KB of NDJSON, under V8's large-object size, so chunks die young
 * (2,000 a query exported as fast but kept 100 MB more resident).
 */
export const EXPORT_CHUNK_SEQS = 200;
/** Queries in flight: PostgreSQL builds the next chunks while this process writes one. */
const EXPORT_PREFETCH = 4;

// jsonb printed compact; left as printed when a backslash says a string may hold a quote
const compact = (column: string) => `case when strpos(${column}, '\\') = 0 then replace(replace(${column}, '": ', '":'), ', "', ',"') else ${column} end`;

/**
 * One NDJSON line per event, built by PostgreSQL in the exported key order: uuids as they
 * print, the text fields through to_json (PostgreSQL escapes a string exactly as
 * JSON.stringify does), the jsonb columns as jsonb prints them (`{"k": v, "k2": [1, 2]}`)
 * made compact by turning `": ` into `":` and `, "` into `,"`. That is exact only when no
 * string holds a quote, so a column with any backslash (every quote in a string is escaped)
 * is left as jsonb printed it; such lines, and the others `needsReserialization` flags, are
 * rewritten by JSON.stringify here.
 */
const LINES_SQL = `
  select string_agg(line, '' order by seq) as lines
    from (select seq, '{"id":"' || id::text || '","organizationId":"' || organization_id::text
                 || '","seq":' || seq::text || ',"type":' || to_json(type)::text
                 || ',"actor":' || ${compact('a')} || ',"subject":' || ${compact('s')} || ',"payload":' || ${compact('p')}
                 || ',"occurredAt":"' || to_char(occurred_at at time zone 'UTC', ${RFC3339_MS})
                 || '","prevHash":' || to_json(prev_hash)::text || ',"hash":' || to_json(hash)::text || E'}\\n' as line
            from (select seq, id, organization_id, type, actor::text as a, subject::text as s, payload::text as p, occurred_at, prev_hash, hash
                    from events where organization_id = $1 and seq > $2 and seq <= $3
                     and ($4::timestamptz is null or occurred_at >= $4) and ($5::timestamptz is null or occurred_at < $5)
                  offset 0) e) lines`; // offset 0: each jsonb printed once, not once per use

/**
 * What in a line built by PostgreSQL could differ from JSON.stringify(JSON.parse(line)) — the
 * export as it was always written (StoredEvent through toNdjsonLine). Anything else in such a
 * line is byte-identical:
 * - a backslash: the line was not made compact (see LINES_SQL), or holds an escape;
 * - `, ` before a value that is not a string: a separator the compaction leaves (in an array),
 *   or text inside a string that looks like one;
 * - a number with a fraction or 16 digits and more: PostgreSQL prints numeric as stored
 *   (`1.50`, `100000000000000000000`), JavaScript prints the nearest double (`1.5`, `1e+20`);
 *   a value outside strings always ends at `,`, `]` or `}` (`"12:00.000Z"` is no number);
 * - a key of digits only: JavaScript puts integer keys first, jsonb sorts keys by length.
 * Inside strings these patterns only ever cause a needless (and still exact) rewrite.
 */
const NEEDS_RESERIALIZATION = /\\|, [-0-9tfn{[]|[:[,]-?(?:[0-9]+[.eE][-+.0-9eE]*|[0-9]{16,})[,\]}]|[{,]"[0-9]+":/;

export function needsReserialization(lines: string): boolean {
  return NEEDS_RESERIALIZATION.test(lines);
}

/** Lines as PostgreSQL built them, in the exact exported form (see NEEDS_RESERIALIZATION). */
export function exactLines(lines: string): string {
  if (!needsReserialization(lines)) return lines;
  let out = '';
  for (const line of lines.split('\n')) {
    if (line) out += (needsReserialization(line) ? JSON.stringify(JSON.parse(line)) : line) + '\n';
  }
  return out;
}

/**
 * The exports' own connections (the ORM's stay free for requests), one pool for the process:
 * concurrent exports share its few connections instead of each opening its own, and the
 * statement stays prepared on them from one export to the next.
 */
@Injectable()
export class ExportConnections implements OnApplicationShutdown {
  readonly pool: Pool;
  private ended = false;

  constructor(config: AppConfig) {
    this.pool = new Pool({ connectionString: config.values.databaseUrl, max: EXPORT_PREFETCH, idleTimeoutMillis: 30_000 });
    // a broken idle connection is replaced on the next query; it must not crash the process
    this.pool.on('error', () => undefined);
  }

  // a signal and app.close() may both shut the application down
  async onApplicationShutdown(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.pool.end();
  }
}

/**
 * The organization's events up to its head when the export starts, as NDJSON in seq order, a
 * chunk of lines at a time (for the HTTP export and `npm run audit:export` alike). Seqs are
 * gap-free per organization, so chunks are seq ranges read side by side, on a pool of the
 * export's own (the ORM's stays free for requests) as a prepared statement: planning it
 * afresh cost a third of each chunk's time in PostgreSQL.
 */
export async function* exportNdjson(
  em: EntityManager,
  pool: Pool,
  organizationId: string,
  range: { from?: Date; to?: Date } = {},
): AsyncGenerator<string> {
  const [head] = await em
    .getConnection()
    .execute<{ last_seq: string }[]>('select last_seq from event_streams where organization_id = ?', [organizationId], 'all');
  const last = Number(head?.last_seq ?? 0);
  const chunk = (after: number) =>
    pool.query<{ lines: string | null }>({
      name: 'gatehouse_export_ndjson',
      text: LINES_SQL,
      values: [organizationId, after, Math.min(after + EXPORT_CHUNK_SEQS, last), range.from ?? null, range.to ?? null],
    });
  const pending: Promise<{ rows: { lines: string | null }[] }>[] = [];
  let next = 0;
  const refill = () => {
    while (pending.length < EXPORT_PREFETCH && next < last) {
      const query = chunk(next);
      // a consumer that stops early leaves queries behind: their failures are nobody's
      query.catch(() => undefined);
      pending.push(query);
      next += EXPORT_CHUNK_SEQS;
    }
  };
  try {
    refill();
    while (pending.length) {
      const {
        rows: [row],
      } = await pending.shift()!;
      refill();
      if (row?.lines) yield exactLines(row.lines);
    }
  } finally {
    await Promise.allSettled(pending);
  }
}
