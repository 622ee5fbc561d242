import { Query } from '@nestjs/cqrs';
import type { Page } from '../../../../shared/pagination';
import type { Checkpoint } from '../../infrastructure/checkpoints.repository';

/** The organization's signed checkpoints, newest first. */
export class ListCheckpointsQuery extends Query<Page<Checkpoint>> {
  constructor(
    readonly organizationId: string,
    readonly page: { cursor?: string; limit: number },
  ) {
    super();
  }
}
