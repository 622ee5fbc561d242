import type { RoleCatalogue } from '../../access-policy';
import { visibleKinds, type NoticeKind } from '../domain/notice';

/** Where a count is read: the pool's prepared statements (HotReads), or a command's transaction. */
interface StatementReads {
  rows(name: string, text: string, values: unknown[]): Promise<{ n: number }[]>;
}

/** The reader's unread notices of the kinds they may see: the feed's count, the pages' badge and a marking's answer. */
export async function countUnread(reads: StatementReads, reader: Pick<FeedReader, 'organizationId' | 'userId'>, kinds: readonly NoticeKind[]): Promise<number> {
  const [unread] = await reads.rows(
    'notifications.unread_count',
    'select count(*)::int as n from notifications where organization_id = $1 and user_id = $2 and kind = any($3::text[]) and read_at is null',
    [reader.organizationId, reader.userId, kinds],
  );
  return unread.n;
}

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
