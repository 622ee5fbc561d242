import { Injectable } from '@nestjs/common';

/** Answers which teams a user is in; the teams module provides it. */
export interface TeamMembershipSource {
  teamsOf(organizationId: string, userId: string): Promise<string[]>;
}

/**
 * The port through which access policy asks "which teams is this user in?" (team-scoped
 * access windows). Teams sit above access-policy, so they hand in their answer at start-up
 * (`provide`) rather than being imported; until a source is provided nobody is in a team,
 * and windows that name only teams bind no one.
 */
@Injectable()
export class TeamMemberships {
  private source: TeamMembershipSource = { teamsOf: async () => [] };

  provide(source: TeamMembershipSource): void {
    this.source = source;
  }

  teamsOf(organizationId: string, userId: string): Promise<string[]> {
    return this.source.teamsOf(organizationId, userId);
  }
}
