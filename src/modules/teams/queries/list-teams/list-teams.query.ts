import { Query } from '@nestjs/cqrs';
import type { Page } from '../../../../shared/pagination';
import type { TeamView } from '../team.view';

export class ListTeamsQuery extends Query<Page<TeamView>> {
  constructor(
    readonly organizationId: string,
    readonly filter: { parentId?: string; includeArchived: boolean; limit: number; cursor?: string },
  ) {
    super();
  }
}
