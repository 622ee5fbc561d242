import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';

/**
 * The port through which access-policy asks about accounts; the users module provides it.
 * `standingOf` is on the decision's cold path; the role commands use the other two inside
 * their own transaction.
 */
export abstract class AccountStanding {
  abstract standingOf(organizationId: string, userId: string): Promise<{ role: string; status: string; mfaEnabled: boolean } | null>;
  /** How many accounts (not removed) hold the role `role`. */
  abstract holdersOf(context: CommandContext, role: string): Promise<number>;
  /** Gives every holder of `from` the role `to` (events user.role_changed); returns their ids. */
  abstract reassign(context: CommandContext, from: string, to: string): Promise<string[]>;
}
