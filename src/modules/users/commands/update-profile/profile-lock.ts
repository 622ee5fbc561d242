import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../../domain/user.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a profile shows that the User entity does not hold. */
export interface ProfileExtras {
  platformOperator: boolean;
  avatarUpdatedAt: Date | null;
}

/**
 * Locks the user's row and reads, in the same statement, what the profile answer needs besides
 * the entity (the operator grant, the avatar's version), so the edited profile is answered
 * without reading it again after commit. Those come from gatehouse_profile_extras (a
 * migration's VOLATILE function) applied to the locked row: its statements see what a holder of
 * the lock committed while this one waited, which a join in this statement would not.
 */
export async function lockForProfileEdit(em: EntityManager, organizationId: string, userId: string): Promise<{ user: User; extras: ProfileExtras } | null> {
  if (!UUID.test(organizationId) || !UUID.test(userId)) return null;
  const meta = em.getMetadata().get(User.name);
  const columns = meta.props.filter((p) => p.persist !== false && !p.lazy && p.fieldNames?.length).flatMap((p) => p.fieldNames);
  const [row] = await em.getConnection().execute<Record<string, unknown>[]>(
    `select l.*, x.platform_operator as gh_platform_operator, x.avatar_updated_at as gh_avatar_updated_at
       from (select ${columns.map((c) => `u.${c}`).join(', ')} from users u where u.organization_id = ? and u.id = ? for update) l
      cross join lateral gatehouse_profile_extras(l.organization_id, l.id) x`,
    [organizationId, userId],
    'all',
    em.getTransactionContext(),
  );
  if (!row) return null;
  const { gh_platform_operator: platformOperator, gh_avatar_updated_at: avatarUpdatedAt, ...userRow } = row;
  return {
    user: em.map(User, userRow),
    extras: { platformOperator: platformOperator === true, avatarUpdatedAt: avatarUpdatedAt ? new Date(avatarUpdatedAt as string | Date) : null },
  };
}
