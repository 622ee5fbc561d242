import { Injectable } from '@nestjs/common';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import { AUDIT_LOG_PROJECTION } from '../projections/audit-log.projector';
import { AUDIT_READ_MODELS, copyStatement } from '../projections/read-models';

const CHUNK = 50_000;
const shadow = (table: string) => `${table}_rebuild`;

export interface RebuildProgress {
  organizationId: string;
  copied: number;
  total: number;
}

/**
 * Replays the audit read models (audit_log, login_history, permission_changes) from the
 * store while the service runs: the events are copied into shadow tables without indexes,
 * the indexes are built, and then, in one short transaction that holds the live
 * projection's positions, the tail written meanwhile is copied too and each shadow takes
 * its table's place with the same index names. Readers see the old read models until that
 * commit, and the new ones after.
 */
@Injectable()
export class AuditLogRebuild {
  constructor(private readonly em: EntityManager) {}

  async run(onProgress: (progress: RebuildProgress) => void = () => undefined): Promise<{ events: number }> {
    const connection = this.em.fork().getConnection();
    for (const model of AUDIT_READ_MODELS) {
      await connection.execute(`drop table if exists ${shadow(model.table)}`, [], 'run');
      await connection.execute(`create table ${shadow(model.table)} (like ${model.table} including defaults including constraints)`, [], 'run');
    }
    const heads = await connection.execute<{ organization_id: string; last_seq: string }[]>('select organization_id, last_seq from event_streams', [], 'all');
    const reached = new Map<string, number>();
    let events = 0;
    for (const head of heads) {
      const total = Number(head.last_seq);
      for (let from = 0; from < total; from += CHUNK) {
        const until = Math.min(from + CHUNK, total);
        for (const model of AUDIT_READ_MODELS) {
          await connection.execute(copyStatement(model, shadow(model.table)), [head.organization_id, from, until], 'run');
        }
        onProgress({ organizationId: head.organization_id, copied: until, total });
      }
      reached.set(head.organization_id, total);
      events += total;
    }
    const indexes = new Map<string, { indexname: string; indexdef: string }[]>();
    for (const model of AUDIT_READ_MODELS) {
      const own = await connection.execute<{ indexname: string; indexdef: string }[]>(
        `select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename = ?`,
        [model.table],
        'all',
      );
      indexes.set(model.table, own);
      for (const index of own) {
        await connection.execute(
          index.indexdef
            .replace(` INDEX ${index.indexname} ON `, ` INDEX ${index.indexname}_rb ON `)
            .replace(new RegExp(` ON (\\S+\\.)?${model.table} `), ` ON $1${shadow(model.table)} `),
          [],
          'run',
        );
      }
    }
    await this.em.fork().transactional(async (tx) => {
      const trx = tx.getTransactionContext<Knex.Transaction>();
      const run = (sql: string, params: unknown[] = []) => tx.getConnection().execute(sql, params, 'run', trx);
      // the live projector waits on these rows and on the tables until the swap commits
      await tx.getConnection().execute('select 1 from projection_positions where projection = ? for update', [AUDIT_LOG_PROJECTION], 'all', trx);
      for (const model of AUDIT_READ_MODELS) await run(`lock table ${model.table} in access exclusive mode`);
      const now = await tx.getConnection().execute<{ organization_id: string; last_seq: string }[]>('select organization_id, last_seq from event_streams', [], 'all', trx);
      for (const head of now) {
        const from = reached.get(head.organization_id) ?? 0;
        const until = Number(head.last_seq);
        if (until > from) {
          for (const model of AUDIT_READ_MODELS) await run(copyStatement(model, shadow(model.table)), [head.organization_id, from, until]);
          events += until - from;
        }
        await run(
          `insert into projection_positions (projection, organization_id, last_seq) values (?, ?, ?)
           on conflict (projection, organization_id) do update set last_seq = excluded.last_seq, updated_at = now()`,
          [AUDIT_LOG_PROJECTION, head.organization_id, until],
        );
      }
      for (const model of AUDIT_READ_MODELS) {
        await run(`drop table ${model.table}`);
        await run(`alter table ${shadow(model.table)} rename to ${model.table}`);
        for (const index of indexes.get(model.table) ?? []) await run(`alter index ${index.indexname}_rb rename to ${index.indexname}`);
      }
    });
    // a new table has no planner statistics: without them the first queries after a rebuild
    // pick plans that cost 50x, until autovacuum gets round to it
    for (const model of AUDIT_READ_MODELS) await this.em.getConnection().execute(`analyze ${model.table}`);
    return { events };
  }
}
