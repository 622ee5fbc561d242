import { Injectable } from '@nestjs/common';

/** A read model whose rows expire with the organization's retention: rows are `organization_id` scoped and dated by `timeColumn`. */
export interface RetainedReadModel {
  table: string;
  timeColumn: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The read models retention applies to. A projection joins by naming its table and the
 * column that dates a row (`registry.register({ table: 'login_history', timeColumn:
 * 'occurred_at' })` in its module's init). Only disposable read models belong here: rows
 * people curate (alerts and their status) do not expire with the trail.
 */
@Injectable()
export class ReadModelRetention {
  private readonly models = new Map<string, RetainedReadModel>();

  register(model: RetainedReadModel): void {
    if (!IDENTIFIER.test(model.table) || !IDENTIFIER.test(model.timeColumn)) {
      throw new Error(`retention: ${model.table}.${model.timeColumn} is not a plain table and column name`);
    }
    this.models.set(model.table, model);
  }

  list(): RetainedReadModel[] {
    return [...this.models.values()];
  }
}
