import { Query } from '@nestjs/cqrs';
import type { GrantView } from '../resource.view';

/** The grants a team holds (GET /teams/:id/permissions); the caller has found the team. */
export class ListTeamGrantsQuery extends Query<GrantView[]> {
  constructor(
    readonly organizationId: string,
    readonly teamId: string,
  ) {
    super();
  }
}
