import { decodeCursor, encodeCursor } from '../../../shared/pagination';

const isSeqCursor = (value: unknown): value is { seq: number } =>
  typeof value === 'object' && value !== null && Number.isSafeInteger((value as { seq?: unknown }).seq);

/**
 * How far an event's occurred_at may trail one appended before it: the store reads the
 * clock before it takes the stream's lock, so a command that waited on the lock has the
 * later seq and the earlier time, by at most how long the other held it.
 */
export const OCCURRED_AT_SKEW_MS = 5 * 60_000;

/**
 * The conditions of a read-model query, scoped to one organization, and its keyset page:
 * newest first by seq, a page fetched one row long to know whether another follows.
 * A time range also bounds seq, so a page of last spring reads from last spring backwards
 * on the seq index instead of filtering its way down from today (1.8 s to 0.2 ms over a
 * million rows): each bound is the seq of one row found on the occurred_at index, taken
 * beyond the range by the skew, so no row of the range is cut off.
 */
export class ReadModelQuery {
  private readonly conditions: string[] = ['organization_id = ?'];
  readonly params: unknown[];

  /**
   * The statement that finds the seq bounds of a time range (`after`, `before`: null where no
   * row lies beyond that end), or null without a range. Read first and passed to the
   * constructor as values, they let the planner prune: left as subqueries, the bound was
   * unknown when planning, and over a small current-month partition the planner sorted the
   * whole partition (7-33 ms) instead of walking the seq index (0.1 ms).
   */
  static bounds(table: string, organizationId: string, filter: { from?: Date; to?: Date }): { text: string; values: unknown[] } | null {
    if (!filter.from && !filter.to) return null;
    const after = filter.from ? new Date(filter.from.getTime() - OCCURRED_AT_SKEW_MS) : null;
    const before = filter.to ? new Date(filter.to.getTime() + OCCURRED_AT_SKEW_MS) : null;
    return {
      text: `select (select seq from ${table} where organization_id = $1 and occurred_at < $2 order by occurred_at desc limit 1) as after,
                    (select seq from ${table} where organization_id = $1 and occurred_at >= $3 order by occurred_at limit 1) as before`,
      values: [organizationId, after, before],
    };
  }

  /** The query with its time range's seq bounds read first (`bounds`) through `read`. */
  static async create(
    table: string,
    organizationId: string,
    filter: { cursor?: string; from?: Date; to?: Date },
    read: (text: string, values: unknown[]) => Promise<{ after: string | null; before: string | null }[]>,
  ): Promise<ReadModelQuery> {
    const statement = ReadModelQuery.bounds(table, organizationId, filter);
    const bounds = statement ? (await read(statement.text, statement.values))[0] : undefined;
    return new ReadModelQuery(table, organizationId, filter, bounds ?? undefined);
  }

  constructor(
    private readonly table: string,
    organizationId: string,
    filter: { cursor?: string; from?: Date; to?: Date },
    bounds?: { after: string | number | null; before: string | number | null },
  ) {
    this.params = [organizationId];
    const cursor = decodeCursor(filter.cursor, isSeqCursor);
    if (cursor) this.where('seq < ?', cursor.seq);
    if (filter.from) {
      this.where('occurred_at >= ?', filter.from);
      if (bounds) this.where('seq > ?', bounds.after ?? 0);
      else {
        this.where(
          `seq > coalesce((select seq from ${table} where organization_id = ? and occurred_at < ? order by occurred_at desc limit 1), 0)`,
          organizationId,
          new Date(filter.from.getTime() - OCCURRED_AT_SKEW_MS),
        );
      }
    }
    if (filter.to) {
      this.where('occurred_at < ?', filter.to);
      if (bounds) this.where('seq < ?', bounds.before ?? '9223372036854775807');
      else {
        this.where(
          `seq < coalesce((select seq from ${table} where organization_id = ? and occurred_at >= ? order by occurred_at limit 1), 9223372036854775807)`,
          organizationId,
          new Date(filter.to.getTime() + OCCURRED_AT_SKEW_MS),
        );
      }
    }
  }

  where(condition: string, ...params: unknown[]): this {
    this.conditions.push(condition);
    this.params.push(...params);
    return this;
  }

  sql(columns: string, limit: number): string {
    return `select ${columns} from ${this.table} where ${this.conditions.join(' and ')} order by seq desc limit ${limit + 1}`;
  }

  /** The same query numbered for pg ($1, $2, …), to run on the pool without a query builder. */
  statement(columns: string, limit: number): { text: string; values: unknown[] } {
    let n = 0;
    return { text: this.sql(columns, limit).replace(/\?/g, () => `$${++n}`), values: this.params };
  }

  static page<R extends { seq: string }, V>(rows: R[], limit: number, view: (row: R) => V): { items: V[]; nextCursor: string | null } {
    const page = rows.slice(0, limit);
    return { items: page.map(view), nextCursor: rows.length > limit ? encodeCursor({ seq: Number(page[page.length - 1].seq) }) : null };
  }
}
