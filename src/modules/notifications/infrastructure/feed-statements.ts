/** The caller's unread notices of the kinds they may see: the feed's count, and a marking's answer. */
export const UNREAD_COUNT = {
  name: 'notifications.unread_count',
  text: 'select count(*)::int as n from notifications where organization_id = $1 and user_id = $2 and kind = any($3::text[]) and read_at is null',
} as const;
