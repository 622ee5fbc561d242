import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { HotReads } from '../../../../infrastructure/database/hot-reads';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { systemActor } from '../../../../shared/actor';
import { PRUNE_BATCH_ROWS, PruneNotificationsCommand } from './prune-notifications.command';

/**
 * An organization at a time, oldest first, in transactions of at most PRUNE_BATCH_ROWS
 * notices, each with its `notification.pruned`: a run that stops half way has recorded what it
 * deleted, and two workers at once delete each notice once (rows another has locked are skipped).
 */
@CommandHandler(PruneNotificationsCommand)
export class PruneNotificationsHandler implements ICommandHandler<PruneNotificationsCommand, number> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly hot: HotReads,
  ) {}

  async execute({ before }: PruneNotificationsCommand): Promise<number> {
    const organizations = await this.hot.rows<{ organization_id: string }>(
      'notifications.prunable',
      'select distinct organization_id from notifications where created_at < $1',
      [before],
    );
    let pruned = 0;
    for (const { organization_id: organizationId } of organizations) {
      for (;;) {
        const { result: count } = await this.uow.runStatements({ actor: systemActor(), organizationId }, async (context) => {
          const deleted = await context.statement(
            'notifications.prune',
            `delete from notifications where id in (
               select id from notifications where organization_id = $1 and created_at < $2
                order by created_at limit $3 for update skip locked)`,
            [organizationId, before, PRUNE_BATCH_ROWS],
          );
          if (deleted) {
            context.record({
              type: 'notification.pruned',
              organizationId,
              subject: { type: 'organization', id: organizationId },
              payload: { before: before.toISOString(), count: deleted },
            });
          }
          return deleted;
        });
        pruned += count;
        if (count < PRUNE_BATCH_ROWS) break;
      }
    }
    return pruned;
  }
}
