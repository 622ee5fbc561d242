import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { AccessPolicyModule, TeamMemberships } from '../access-policy';
import { TeamDirectory, UsersModule } from '../users';
import { ArchiveTeamHandler } from './commands/archive-team/archive-team.handler';
import { CreateTeamHandler } from './commands/create-team/create-team.handler';
import { PutTeamMemberHandler } from './commands/put-team-member/put-team-member.handler';
import { RemoveTeamMemberHandler } from './commands/remove-team-member/remove-team-member.handler';
import { SaveTeamDashboardHandler } from './commands/save-team-dashboard/save-team-dashboard.handler';
import { UpdateTeamHandler } from './commands/update-team/update-team.handler';
import { TeamMember } from './domain/team-member.entity';
import { Team } from './domain/team.entity';
import { TeamsController } from './http/teams.controller';
import { SsoTeamMemberships } from './contracts/sso-team-memberships';
import { TeamRoster } from './contracts/team-roster';
import { TeamAccess } from './infrastructure/team-access';
import { TeamMembershipsReader } from './infrastructure/team-memberships.reader';
import { GetTeamDashboardHandler } from './queries/get-team-dashboard/get-team-dashboard.handler';
import { GetTeamHandler } from './queries/get-team/get-team.handler';
import { ListTeamsHandler } from './queries/list-teams/list-teams.handler';

/**
 * Teams and departments, membership and leads, dashboards. It provides the membership ports
 * that access-policy and users declare (their modules find them in the container).
 */
@Module({
  imports: [MikroOrmModule.forFeature([Team, TeamMember]), AccessPolicyModule, UsersModule],
  controllers: [TeamsController],
  providers: [
    TeamMembershipsReader,
    { provide: TeamMemberships, useExisting: TeamMembershipsReader },
    { provide: TeamDirectory, useExisting: TeamMembershipsReader },
    TeamAccess,
    TeamRoster,
    SsoTeamMemberships,
    CreateTeamHandler,
    UpdateTeamHandler,
    ArchiveTeamHandler,
    PutTeamMemberHandler,
    RemoveTeamMemberHandler,
    SaveTeamDashboardHandler,
    ListTeamsHandler,
    GetTeamHandler,
    GetTeamDashboardHandler,
  ],
  exports: [TeamRoster, SsoTeamMemberships],
})
export class TeamsModule {}
