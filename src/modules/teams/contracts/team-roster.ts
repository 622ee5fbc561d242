import { Injectable } from '@nestjs/common';
import { TeamMembershipsReader } from '../infrastructure/team-memberships.reader';

/** Who is in a team, for the modules above teams (audit's `team` filter). */
@Injectable()
export class TeamRoster {
  constructor(private readonly reader: TeamMembershipsReader) {}

  /** The team's member ids, or null when the organization has no such team. */
  memberIds(organizationId: string, teamId: string): Promise<string[] | null> {
    return this.reader.memberIds(organizationId, teamId);
  }
}
