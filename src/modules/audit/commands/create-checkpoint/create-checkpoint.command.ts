import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Checkpoint, CheckpointReason } from '../../infrastructure/checkpoints.repository';

/**
 * Signs the organization's chain head. Answers the new checkpoint, the latest one when
 * the head has not moved since, or null for a periodic run with nothing new to vouch for.
 */
export class CreateCheckpointCommand extends Command<Checkpoint | null> {
  constructor(
    readonly actor: Actor,
    readonly organizationId: string,
    readonly reason: CheckpointReason,
    /** Sign the event at this seq instead of the head (the retention boundary); null when there is none. */
    readonly atSeq?: number,
  ) {
    super();
  }
}
