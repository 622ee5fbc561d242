import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';

/**
 * The port through which a user's removal erases, in its own transaction, what other modules
 * keep that names the person (the audit read models' names); the audit module provides it. So
 * when the removal answers, no row of theirs still shows the name; the consumers of
 * `user.removed` erase it again for rows projected meanwhile, and erase the rest (sessions,
 * keys, second factors) as before.
 */
export abstract class PersonalRecords {
  abstract eraseUser(context: CommandContext, organizationId: string, userId: string): Promise<void>;
}
