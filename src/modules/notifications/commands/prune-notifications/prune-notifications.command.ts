import { Command } from '@nestjs/cqrs';

/** Notices a transaction deletes at most: each batch records its own `notification.pruned`. */
export const PRUNE_BATCH_ROWS = 10_000;

/** Deletes every organization's in-app notices created before `before`; answers how many went. */
export class PruneNotificationsCommand extends Command<number> {
  constructor(readonly before: Date) {
    super();
  }
}
