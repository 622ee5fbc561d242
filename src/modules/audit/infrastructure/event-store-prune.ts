import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import { monthStart } from '../../../infrastructure/event-store/event-partitions';
import { systemActor } from '../../../shared/actor';
import { Clock } from '../../../shared/clock';
import { CreateCheckpointCommand } from '../commands/create-checkpoint/create-checkpoint.command';

const DAY_MS = 86_400_000;

export interface PruneStep {
  partition: string;
  /** The partition's months end (exclusive). */
  until: string;
  dropped: boolean;
  /** Why the prune stopped here, when it did. */
  reason?: string;
  events: number;
}

interface PartitionRow {
  name: string;
  upper: string;
}

/**
 * `npm run audit:prune`: drops whole monthly partitions of `events`, oldest first, while
 * every organization's retention has passed the month and the chain stays provable: each
 * organization with events in it has a signed checkpoint at or after its last one there (the
 * retention job signs one at its boundary), its events are published and projected, and a
 * retention checkpoint is signed at exactly that last event, so the first remaining event's
 * `prevHash` is anchored on a signature. It stops at the first month that fails a condition:
 * what remains is always a contiguous tail of each chain.
 * DETACH and DROP need the tables' owner: run it as the role migrations run as.
 */
@Injectable()
export class EventStorePrune {
  constructor(
    private readonly em: EntityManager,
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  async run(options: { dryRun?: boolean } = {}, onProgress: (step: PruneStep) => void = () => undefined): Promise<PruneStep[]> {
    const connection = this.em.fork().getConnection();
    const now = this.clock.now();
    const partitions = await connection.execute<PartitionRow[]>(
      `select c.relname as name, to_char((regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as upper
         from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'events'::regclass and c.relname <> 'events_default'
        order by 2`,
      [],
      'all',
    );
    const organizations = await connection.execute<{ id: string; days: string | null }[]>(
      `select id, settings->>'auditRetentionDays' as days from organizations`,
      [],
      'all',
    );
    const retention = new Map(organizations.map((o) => [o.id, o.days === null ? null : Number(o.days)]));
    const steps: PruneStep[] = [];
    for (const partition of partitions) {
      const until = new Date(partition.upper);
      const step: PruneStep = { partition: partition.name, until: until.toISOString(), dropped: false, events: 0 };
      const refusal = until > monthStart(now) ? 'the month is not over' : await this.refusal(partition.name, until, retention, now, step);
      if (refusal) {
        step.reason = refusal;
        steps.push(step);
        onProgress(step);
        break;
      }
      if (!options.dryRun) await this.drop(partition.name, until);
      step.dropped = !options.dryRun;
      steps.push(step);
      onProgress(step);
    }
    return steps;
  }

  private async refusal(partition: string, until: Date, retention: Map<string, number | null>, now: Date, step: PruneStep): Promise<string | null> {
    const connection = this.em.fork().getConnection();
    const chains = await connection.execute<{ organization_id: string; last: string; events: string }[]>(
      `select organization_id, max(seq) as last, count(*) as events from ${partition} group by organization_id order by organization_id`,
      [],
      'all',
    );
    step.events = chains.reduce((sum, chain) => sum + Number(chain.events), 0);
    for (const chain of chains) {
      const days = retention.get(chain.organization_id) ?? null;
      if (days === null) return `organization ${chain.organization_id} keeps its trail forever`;
      if (until.getTime() > now.getTime() - days * DAY_MS) return `organization ${chain.organization_id} keeps ${days} days`;
      const [signed] = await connection.execute<{ found: boolean }[]>(
        'select exists (select 1 from audit_checkpoints where organization_id = ? and seq >= ?) as found',
        [chain.organization_id, chain.last],
        'all',
      );
      if (!signed.found) return `organization ${chain.organization_id} has no checkpoint at or after seq ${chain.last}: let retention run first`;
      const [behind] = await connection.execute<{ count: string }[]>(
        // an event still pending with a time in the partition would be sealed into it
        `select (select count(*) from event_pending where organization_id = ? and occurred_at < ?)
              + (select count(*) from projection_positions where organization_id = ? and last_seq < ?) as count`,
        [chain.organization_id, until, chain.organization_id, chain.last],
        'all',
      );
      if (Number(behind.count) > 0) return `organization ${chain.organization_id} has events not yet sealed or projected`;
    }
    for (const chain of chains) {
      // the first remaining event's prevHash is anchored on this signature
      const anchor = await this.commands.execute(new CreateCheckpointCommand(systemActor('prune'), chain.organization_id, 'retention', Number(chain.last)));
      if (!anchor) return `organization ${chain.organization_id}: no event at seq ${chain.last} to sign`;
    }
    return null;
  }

  private async drop(partition: string, until: Date): Promise<void> {
    await this.em.fork().transactional(async (tx) => {
      const trx = tx.getTransactionContext<Knex.Transaction>();
      const run = (sql: string) => tx.getConnection().execute(sql, [], 'run', trx);
      await run(`alter table events detach partition ${partition}`);
      await run(`drop table ${partition}`);
      // the read model's month goes too once retention emptied it
      const readModel = `audit_log${partition.slice('events'.length)}`;
      const [row] = await tx
        .getConnection()
        .execute<{ present: boolean }[]>(`select to_regclass(?) is not null as present`, [readModel], 'all', trx);
      if (!row.present) return;
      const [rows] = await tx.getConnection().execute<{ any: boolean }[]>(`select exists (select 1 from ${readModel}) as any`, [], 'all', trx);
      if (!rows.any && until <= monthStart(this.clock.now())) {
        await run(`alter table audit_log detach partition ${readModel}`);
        await run(`drop table ${readModel}`);
      }
    });
  }
}
