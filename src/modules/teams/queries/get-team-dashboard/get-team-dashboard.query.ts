import { Query } from '@nestjs/cqrs';
import type { DashboardLayout } from '../../domain/dashboard-layout';

export interface TeamOverview {
  members: number;
  byRole: Record<string, number>;
  byStatus: Record<string, number>;
  leads: number;
  pendingInvitations: number;
  /** Where the team's recent activity is read: the audit API's `team` filter. */
  activity: string;
}

export interface TeamDashboardView {
  teamId: string;
  layout: DashboardLayout;
  overview: TeamOverview;
}

export class GetTeamDashboardQuery extends Query<TeamDashboardView> {
  constructor(
    readonly organizationId: string,
    readonly teamId: string,
  ) {
    super();
  }
}
