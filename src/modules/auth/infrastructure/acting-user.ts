import type { Actor } from '../../../shared/actor';
import { NotFoundError } from '../../../shared/domain-error';
import type { UserAccounts, UserProfile } from '../../users';

/** A user of an organization, as the MFA and password commands name them. */
export interface UserRef {
  organizationId: string;
  userId: string;
}

/** The actor of a step the user takes for themselves (their own MFA, their sign-in's second step). */
export function actingAs(actor: Actor, user: UserRef): Actor {
  return { ...actor, type: actor.type === 'api_key' ? 'api_key' : 'user', id: actor.type === 'api_key' ? actor.id : user.userId, organizationId: user.organizationId };
}

/** The user's profile while they are active; anyone else is "not found". */
export async function activeProfile(users: UserAccounts, user: UserRef): Promise<UserProfile> {
  const profile = await users.findProfile(user.organizationId, user.userId);
  if (!profile || profile.status !== 'active') throw new NotFoundError('User');
  return profile;
}
