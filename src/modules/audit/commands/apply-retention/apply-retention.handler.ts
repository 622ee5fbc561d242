import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { CreateCheckpointCommand } from '../create-checkpoint/create-checkpoint.command';
import { ReadModelRetention } from '../../infrastructure/read-model-retention';
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
  ) {}

  async execute({ actor, organizationId, retentionDays }: ApplyRetentionCommand): Promise<RetentionOutcome> {
    const boundary = new Date(this.clock.now().getTime() - retentionDays * DAY_MS);
    const outcome: RetentionOutcome = { organizationId, boundary: boundary.toISOString(), checkpointSeq: null, deleted: {} };
    const connection = this.em.fork().getConnection();
    const expired: string[] = [];
    for (const model of this.registry.list()) {
      const [row] = await connection.execute<{ found: boolean }[]>(
        `select exists (select 1 from ${model.table} where organization_id = ? and ${model.timeColumn} < ?) as found`,
        [organizationId, boundary],
        'all',
      );
      if (row.found) expired.push(model.table);
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

    await this.uow.run({ actor, organizationId }, async (context) => {
      const trx = context.em.getTransactionContext<Knex.Transaction>();
      for (const model of this.registry.list()) {
        if (!expired.includes(model.table)) continue;
        const result = await context.em
          .getConnection()
          .execute<{ affectedRows: number }>(`delete from ${model.table} where organization_id = ? and ${model.timeColumn} < ?`, [organizationId, boundary], 'run', trx);
        if (result.affectedRows > 0) outcome.deleted[model.table] = result.affectedRows;
      }
      if (Object.keys(outcome.deleted).length) {
        context.record({
          type: 'audit.retention_applied',
          organizationId,
          subject: { type: 'organization', id: organizationId },
          payload: { retentionDays, boundary: outcome.boundary, checkpointSeq: outcome.checkpointSeq, deleted: outcome.deleted },
        });
      }
    });
    return outcome;
  }
}
