import { Injectable } from '@nestjs/common';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import { Clock } from '../../../shared/clock';
import { AUDIT_LOG_PROJECTION } from '../projections/audit-log.projector';
import { AUDIT_LOG_COLUMNS, AUDIT_LOG_FROM_EVENTS } from '../projections/audit-log.sql';

const SHADOW = 'audit_log_rebuild';
const CHUNK = 50_000;

const PARTITIONS = `select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
  from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'audit_log'::regclass order by 1`;

/** audit_log_p202612 → audit_log_rebuild_p202612 */
const shadowOf = (partition: string) => `${SHADOW}${partition.slice('audit_log'.length)}`;

export interface RebuildProgress {
  organizationId: string;
  copied: number;
  total: number;
}

/**
 * Replays audit_log from the store while the service runs: the events are copied into a
 * shadow table without indexes, the indexes are built, and then, in one short transaction
 * that holds the live projection's positions, the tail written meanwhile is copied too and
 * the shadow takes the table's place with the same index names. Readers see the old read
 * model until that commit, and the new one after.
 */
@Injectable()
export class AuditLogRebuild {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
  ) {}

  /** Where each organization's read model begins: retention is not undone by a rebuild. */
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
    await connection.execute(`drop table if exists ${SHADOW}`, [], 'run');
    // partitioned like the live table, month by month (and its default), so the swap keeps the layout
    await connection.execute(`create table ${SHADOW} (like audit_log including defaults including constraints) partition by range (occurred_at)`, [], 'run');
    const partitions = await connection.execute<{ name: string; bound: string }[]>(PARTITIONS, [], 'all');
    for (const partition of partitions) {
      await connection.execute(`create table ${shadowOf(partition.name)} partition of ${SHADOW} ${partition.bound}`, [], 'run');
    }
    const since = await this.boundaries();
    const EPOCH = new Date(0);
    const heads = await connection.execute<{ organization_id: string; last_seq: string }[]>('select organization_id, last_seq from event_streams', [], 'all');
    const reached = new Map<string, number>();
    let events = 0;
    for (const head of heads) {
      const total = Number(head.last_seq);
      for (let from = 0; from < total; from += CHUNK) {
        const until = Math.min(from + CHUNK, total);
        await connection.execute(
          `insert into ${SHADOW} (${AUDIT_LOG_COLUMNS}) ${AUDIT_LOG_FROM_EVENTS} where e.organization_id = ? and e.seq > ? and e.seq <= ? and e.occurred_at >= ?`,
          [head.organization_id, from, until, since.get(head.organization_id) ?? EPOCH],
          'run',
        );
        onProgress({ organizationId: head.organization_id, copied: until, total });
      }
      reached.set(head.organization_id, total);
      events += total;
    }
    const indexes = await connection.execute<{ indexname: string; indexdef: string }[]>(
      `select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename = 'audit_log'`,
      [],
      'all',
    );
    for (const index of indexes) {
      await connection.execute(
        index.indexdef
          // a partitioned table's index is listed ON ONLY; built on the shadow it spans its partitions
          .replace(' ON ONLY ', ' ON ')
          .replace(` INDEX ${index.indexname} ON `, ` INDEX ${index.indexname}_rb ON `)
          .replace(/ ON (\S+\.)?audit_log /, ` ON $1${SHADOW} `),
        [],
        'run',
      );
    }
    await this.em.fork().transactional(async (tx) => {
      const trx = tx.getTransactionContext<Knex.Transaction>();
      const run = (sql: string, params: unknown[] = []) => tx.getConnection().execute(sql, params, 'run', trx);
      // the live projector waits on these rows and on the table until the swap commits
      await tx.getConnection().execute('select 1 from projection_positions where projection = ? for update', [AUDIT_LOG_PROJECTION], 'all', trx);
      await run('lock table audit_log in access exclusive mode');
      // a month the maintenance job created meanwhile comes along (its rows are still to come)
      const known = new Set(partitions.map((partition) => partition.name));
      for (const partition of await tx.getConnection().execute<{ name: string; bound: string }[]>(PARTITIONS, [], 'all', trx)) {
        if (known.has(partition.name)) continue;
        await run(`create table ${shadowOf(partition.name)} partition of ${SHADOW} ${partition.bound}`);
        partitions.push(partition);
      }
      const now = await tx.getConnection().execute<{ organization_id: string; last_seq: string }[]>('select organization_id, last_seq from event_streams', [], 'all', trx);
      for (const head of now) {
        const from = reached.get(head.organization_id) ?? 0;
        const until = Number(head.last_seq);
        if (until > from) {
          await run(`insert into ${SHADOW} (${AUDIT_LOG_COLUMNS}) ${AUDIT_LOG_FROM_EVENTS} where e.organization_id = ? and e.seq > ? and e.seq <= ?`, [head.organization_id, from, until]);
          events += until - from;
        }
        await run(
          `insert into projection_positions (projection, organization_id, last_seq) values (?, ?, ?)
           on conflict (projection, organization_id) do update set last_seq = excluded.last_seq, updated_at = now()`,
          [AUDIT_LOG_PROJECTION, head.organization_id, until],
        );
      }
      await run('drop table audit_log');
      await run(`alter table ${SHADOW} rename to audit_log`);
      for (const partition of partitions) await run(`alter table ${shadowOf(partition.name)} rename to ${partition.name}`);
      for (const index of indexes) await run(`alter index ${index.indexname}_rb rename to ${index.indexname}`);
    });
    // a new table has no planner statistics: without them the first queries after a rebuild
    // pick plans that cost 50x, until autovacuum gets round to it
    await this.em.getConnection().execute('analyze audit_log');
    return { events };
  }
}
