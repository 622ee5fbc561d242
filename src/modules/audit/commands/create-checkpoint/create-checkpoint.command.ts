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
  ) {
    super();
  }
}
