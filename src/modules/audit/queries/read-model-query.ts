import { decodeCursor, encodeCursor } from '../../../shared/pagination';

const isSeqCursor = (value: unknown): value is { seq: number } =>
  typeof value === 'object' && value !== null && Number.isSafeInteger((value as { seq?: unknown }).seq);

/**
 * The conditions of a read-model query, scoped to one organization, and its keyset page:
 * newest first by seq, a page fetched one row long to know whether another follows.
 */
export class ReadModelQuery {
  private readonly conditions: string[] = ['organization_id = ?'];
  readonly params: unknown[];

  constructor(
    organizationId: string,
    filter: { cursor?: string; from?: Date; to?: Date },
  ) {
    this.params = [organizationId];
    const cursor = decodeCursor(filter.cursor, isSeqCursor);
    if (cursor) this.where('seq < ?', cursor.seq);
    if (filter.from) this.where('occurred_at >= ?', filter.from);
    if (filter.to) this.where('occurred_at < ?', filter.to);
  }

  where(condition: string, ...params: unknown[]): this {
    this.conditions.push(condition);
    this.params.push(...params);
    return this;
  }

  sql(columns: string, table: string, limit: number): string {
    return `select ${columns} from ${table} where ${this.conditions.join(' and ')} order by seq desc limit ${limit + 1}`;
  }

  static page<R extends { seq: string }, V>(rows: R[], limit: number, view: (row: R) => V): { items: V[]; nextCursor: string | null } {
    const page = rows.slice(0, limit);
    return { items: page.map(view), nextCursor: rows.length > limit ? encodeCursor({ seq: Number(page[page.length - 1].seq) }) : null };
  }
}
