import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';

export interface TeamRef {
  id: string;
  name: string;
  lead: boolean;
}

/**
 * The port through which users asks about teams (invitations' teamIds, the users list's
 * team filter, a user's teams); the teams module provides it.
 */
export abstract class TeamDirectory {
  /** The active teams among `teamIds`. */
  abstract activeTeams(organizationId: string, teamIds: readonly string[]): Promise<string[]>;
  /** The user's active teams (direct membership). */
  abstract teamsOfUser(organizationId: string, userId: string): Promise<TeamRef[]>;
  /** The team's member ids, or null when there is no such team. */
  abstract memberIds(organizationId: string, teamId: string): Promise<string[] | null>;
  /** Adds the user to the teams still active, inside the caller's transaction; returns those joined. */
  abstract join(context: CommandContext, organizationId: string, userId: string, teamIds: readonly string[]): Promise<string[]>;
  /** Takes the user out of every team, inside the caller's transaction (removal). */
  abstract leaveAll(context: CommandContext, organizationId: string, userId: string): Promise<string[]>;
}
