import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import { AppConfig } from '../../../../infrastructure/config/app-config';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { CreateCheckpointCommand } from '../create-checkpoint/create-checkpoint.command';
import { ReadModelRetention, type RetainedReadModel } from '../../infrastructure/read-model-retention';
import { ApplyRetentionCommand, type RetentionOutcome } from './apply-retention.command';

const DAY_MS = 86_400_000;

@CommandHandler(ApplyRetentionCommand)
export class ApplyRetentionHandler implements ICommandHandler<ApplyRetentionCommand, RetentionOutcome> {
  constructor(
    private readonly em: EntityManager,
    private readonly uow: UnitOfWork,
    private readonly commands: CommandBus,
    private readonly registry: ReadModelRetention,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async execute({ actor, organizationId, retentionDays, onBatch }: ApplyRetentionCommand): Promise<RetentionOutcome> {
    const boundary = new Date(this.clock.now().getTime() - retentionDays * DAY_MS);
    const outcome: RetentionOutcome = { organizationId, boundary: boundary.toISOString(), checkpointSeq: null, deleted: {} };
    const connection = this.em.fork().getConnection();
    const expired: RetainedReadModel[] = [];
    for (const model of this.registry.list()) {
      const [row] = await connection.execute<{ found: boolean }[]>(
        `select exists (select 1 from ${model.table} where organization_id = ? and ${model.timeColumn} < ?) as found`,
        [organizationId, boundary],
        'all',
      );
      if (row.found) expired.push(model);
    }
    if (!expired.length) return outcome;

    // what goes from the read models stays provable: the chain is signed where they now begin
    const [last] = await connection.execute<{ seq: string | null }[]>(
      'select max(seq) as seq from events where organization_id = ? and occurred_at < ?',
      [organizationId, boundary],
      'all',
    );
    if (last.seq !== null) {
      const checkpoint = await this.commands.execute(new CreateCheckpointCommand(actor, organizationId, 'retention', Number(last.seq)));
      outcome.checkpointSeq = checkpoint?.seq ?? null;
    }

    // in transactions of at most `retentionBatchRows` rows a read model, each with its event: a
    // first retention over years of rows is not one transaction holding them all (and the
    // oldest snapshot every other session's vacuum waits on) until the last is gone
    const batchRows = this.config.values.audit.retentionBatchRows;
    // the read models with rows left to remove; one leaves once a batch took its last
    let left = expired;
    while (left.length) {
      const { result } = await this.uow.run({ actor, organizationId }, async (context) => {
        const trx = context.em.getTransactionContext<Knex.Transaction>();
        const connection = context.em.getConnection();
        const removed: Record<string, number> = {};
        const full: RetainedReadModel[] = [];
        for (const model of left) {
          // the batch ends at the time of its last row (ties at it go too)
          const [cut] = await connection.execute<{ at: Date }[]>(
            `select ${model.timeColumn} as at from ${model.table} where organization_id = ? and ${model.timeColumn} < ? order by ${model.timeColumn} offset ? limit 1`,
            [organizationId, boundary, batchRows - 1],
            'all',
            trx,
          );
          const result = await connection.execute<{ affectedRows: number }>(
            `delete from ${model.table} where organization_id = ? and ${model.timeColumn} < ? and ${model.timeColumn} <= ?`,
            [organizationId, boundary, cut ? cut.at : boundary],
            'run',
            trx,
          );
          if (result.affectedRows > 0) removed[model.table] = result.affectedRows;
          // a full batch: there may be more
          if (cut && result.affectedRows >= batchRows) full.push(model);
        }
        if (Object.keys(removed).length) {
          context.record({
            type: 'audit.retention_applied',
            organizationId,
            subject: { type: 'organization', id: organizationId },
            payload: { retentionDays, boundary: outcome.boundary, checkpointSeq: outcome.checkpointSeq, deleted: removed },
          });
        }
        return { removed, full };
      });
      for (const [table, rows] of Object.entries(result.removed)) outcome.deleted[table] = (outcome.deleted[table] ?? 0) + rows;
      left = result.full;
      if (left.length) onBatch?.(outcome);
    }
    return outcome;
  }
}
