import { Injectable } from '@nestjs/common';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import { Clock } from '../../../shared/clock';
import { AUDIT_LOG_PROJECTION } from '../projections/audit-log.projector';
import { AUDIT_READ_MODELS, copyStatement, type AuditReadModel } from '../projections/read-models';

const CHUNK = 50_000;
const EPOCH = new Date(0);
const shadow = (table: string) => `${table}_rebuild`;

/** A partitioned table's partitions (none for a plain table), with their bounds. */
const PARTITIONS = `select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
  from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = ?::regclass order by 1`;
const IS_PARTITIONED = `select exists (select 1 from pg_partitioned_table where partrelid = ?::regclass) as partitioned`;

/** audit_log_p202612 → audit_log_rebuild_p202612 */
const shadowOf = (table: string, partition: string) => `${shadow(table)}${partition.slice(table.length)}`;

type Partition = { name: string; bound: string };

export interface RebuildProgress {
  organizationId: string;
  copied: number;
  total: number;
}

/**
 * Replays the audit read models (audit_log, login_history, permission_changes) from the
 * store while the service runs: the events are copied into shadow tables without indexes
 * (a partitioned table's shadow is partitioned month by month like it), the indexes are
 * built, and then, in one short transaction that holds the live projection's positions, the
 * tail written meanwhile is copied too and each shadow takes its table's place with the same
 * index names. Readers see the old read models until that commit, and the new ones after.
 * Rows older than an organization's retention are not brought back.
 */
@Injectable()
export class AuditLogRebuild {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
  ) {}

  /** Where each organization's read models begin: retention is not undone by a rebuild. */
  private async boundaries(): Promise<Map<string, Date>> {
    const rows = await this.em
      .fork()
      .getConnection()
      .execute<{ id: string; days: string | null }[]>(`select id, settings->>'auditRetentionDays' as days from organizations`, [], 'all');
    const now = this.clock.now().getTime();
    return new Map(rows.flatMap((row) => (row.days === null ? [] : [[row.id, new Date(now - Number(row.days) * 86_400_000)] as const])));
  }

  async run(onProgress: (progress: RebuildProgress) => void = () => undefined): Promise<{ events: number }> {
    const connection = this.em.fork().getConnection();
    const partitions = new Map<string, Partition[]>();
    for (const model of AUDIT_READ_MODELS) {
      await connection.execute(`drop table if exists ${shadow(model.table)}`, [], 'run');
      const [{ partitioned }] = await connection.execute<{ partitioned: boolean }[]>(IS_PARTITIONED, [model.table], 'all');
      const like = `create table ${shadow(model.table)} (like ${model.table} including defaults including constraints)`;
      if (!partitioned) {
        await connection.execute(like, [], 'run');
        continue;
      }
      // partitioned like the live table, month by month (and its default), so the swap keeps the layout
      await connection.execute(`${like} partition by range (occurred_at)`, [], 'run');
      const own = await connection.execute<Partition[]>(PARTITIONS, [model.table], 'all');
      for (const partition of own) {
        await connection.execute(`create table ${shadowOf(model.table, partition.name)} partition of ${shadow(model.table)} ${partition.bound}`, [], 'run');
      }
      partitions.set(model.table, own);
    }
    const since = await this.boundaries();
    const heads = await connection.execute<{ organization_id: string; last_seq: string }[]>('select organization_id, last_seq from event_streams', [], 'all');
    const reached = new Map<string, number>();
    let events = 0;
    for (const head of heads) {
      const total = Number(head.last_seq);
      for (let from = 0; from < total; from += CHUNK) {
        const until = Math.min(from + CHUNK, total);
        for (const model of AUDIT_READ_MODELS) {
          await connection.execute(`${copyStatement(model, shadow(model.table))} and e.occurred_at >= ?`, [head.organization_id, from, until, since.get(head.organization_id) ?? EPOCH], 'run');
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
            // a partitioned table's index is listed ON ONLY; built on the shadow it spans its partitions
            .replace(' ON ONLY ', ' ON ')
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
      for (const [table, known] of partitions) await this.addMonthsCreatedMeanwhile(tx, table, known);
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
      for (const model of AUDIT_READ_MODELS) await this.swap(run, model, partitions.get(model.table) ?? [], indexes.get(model.table) ?? []);
    });
    // a new table has no planner statistics: without them the first queries after a rebuild
    // pick plans that cost 50x, until autovacuum gets round to it
    for (const model of AUDIT_READ_MODELS) await this.em.getConnection().execute(`analyze ${model.table}`);
    return { events };
  }

  /** A month the maintenance job created during the copy comes along (its rows are still to come). */
  private async addMonthsCreatedMeanwhile(tx: EntityManager, table: string, known: Partition[]): Promise<void> {
    const trx = tx.getTransactionContext<Knex.Transaction>();
    const names = new Set(known.map((partition) => partition.name));
    for (const partition of await tx.getConnection().execute<Partition[]>(PARTITIONS, [table], 'all', trx)) {
      if (names.has(partition.name)) continue;
      await tx.getConnection().execute(`create table ${shadowOf(table, partition.name)} partition of ${shadow(table)} ${partition.bound}`, [], 'run', trx);
      known.push(partition);
    }
  }

  private async swap(
    run: (sql: string) => Promise<unknown>,
    model: AuditReadModel,
    partitions: Partition[],
    indexes: { indexname: string }[],
  ): Promise<void> {
    await run(`drop table ${model.table}`);
    await run(`alter table ${shadow(model.table)} rename to ${model.table}`);
    for (const partition of partitions) await run(`alter table ${shadowOf(model.table, partition.name)} rename to ${partition.name}`);
    for (const index of indexes) await run(`alter index ${index.indexname}_rb rename to ${index.indexname}`);
  }
}
