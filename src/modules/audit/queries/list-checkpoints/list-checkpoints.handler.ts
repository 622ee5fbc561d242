import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { decodeCursor, encodeCursor, type Page } from '../../../../shared/pagination';
import { CheckpointsRepository, type Checkpoint } from '../../infrastructure/checkpoints.repository';
import { ListCheckpointsQuery } from './list-checkpoints.query';

const isCursor = (value: unknown): value is { seq: number; at: string } =>
  typeof value === 'object' &&
  value !== null &&
  Number.isSafeInteger((value as { seq?: unknown }).seq) &&
  typeof (value as { at?: unknown }).at === 'string' &&
  !Number.isNaN(Date.parse((value as { at: string }).at));

@QueryHandler(ListCheckpointsQuery)
export class ListCheckpointsHandler implements IQueryHandler<ListCheckpointsQuery, Page<Checkpoint>> {
  constructor(
    private readonly em: EntityManager,
    private readonly checkpoints: CheckpointsRepository,
  ) {}

  async execute({ organizationId, page }: ListCheckpointsQuery): Promise<Page<Checkpoint>> {
    const before = decodeCursor(page.cursor, isCursor) ?? undefined;
    const rows = await this.checkpoints.page(this.em.fork(), organizationId, page.limit + 1, before);
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > page.limit && last ? encodeCursor({ seq: last.seq, at: last.at }) : null };
  }
}
