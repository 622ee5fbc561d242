import type { RoleCatalogue } from '../../access-policy';
import { visibleKinds, type NoticeKind } from '../domain/notice';

/** The caller's unread notices of the kinds they may see: the feed's count, and a marking's answer. */
export const UNREAD_COUNT = {
  name: 'notifications.unread_count',
  text: 'select count(*)::int as n from notifications where organization_id = $1 and user_id = $2 and kind = any($3::text[]) and read_at is null',
} as const;

/**
 * Whose feed, and what its reader may see of it: the owner's role and, for an API key, its
 * scopes (a Principal is one).
 */
export interface FeedReader {
  organizationId: string;
  userId: string;
  role: string;
  scopes: readonly string[] | null;
}

/** The kinds the reader may see, by their role's permissions as the organization has them now. */
export async function kindsVisibleTo(roles: RoleCatalogue, reader: FeedReader): Promise<NoticeKind[]> {
  return visibleKinds((await roles.permissionsOf(reader.organizationId))(reader.role), reader.scopes);
}
