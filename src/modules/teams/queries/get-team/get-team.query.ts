import { Query } from '@nestjs/cqrs';
import type { TeamView } from '../team.view';

export interface TeamDetailView extends TeamView {
  members: { userId: string; lead: boolean; joinedAt: Date; source: 'manual' | 'sso' }[];
  childIds: string[];
}

/** A team with its members and the teams directly under it; another organization's is not found. */
export class GetTeamQuery extends Query<TeamDetailView> {
  constructor(
    readonly organizationId: string,
    readonly teamId: string,
  ) {
    super();
  }
}
