/**
 * The port through which access-policy asks about teams; the teams module provides it (the
 * graph points down, so access-policy may not import teams). Reads only, no transaction.
 */
export abstract class TeamMemberships {
  /** The user's teams and every department above them; `lead` for those they lead. */
  abstract teamsOf(organizationId: string, userId: string): Promise<{ teamId: string; lead: boolean }[]>;
  /** Whether the team exists, in this organization, and is not archived. */
  abstract isActiveTeam(organizationId: string, teamId: string): Promise<boolean>;
}
