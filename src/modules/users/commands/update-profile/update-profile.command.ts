import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { UserProfile } from '../../contracts/user-accounts';

/** Who edits: the user themselves (all profile fields) or an administrator (not the preferences). */
export type ProfileEditor = 'self' | 'admin';

export class UpdateProfileCommand extends Command<UserProfile> {
  constructor(
    readonly target: { organizationId: string; userId: string },
    /** The requested fields as sent; the handler validates each. */
    readonly input: Partial<Record<string, unknown>>,
    readonly editor: ProfileEditor,
    readonly actor: Actor,
  ) {
    super();
  }
}
