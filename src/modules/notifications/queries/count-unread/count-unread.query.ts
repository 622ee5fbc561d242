import { Query } from '@nestjs/cqrs';
import type { FeedReader } from '../../infrastructure/feed-reader';

/** How many notices the reader has not marked read, of the kinds they may see (the pages' badge). */
export class CountUnreadNotificationsQuery extends Query<number> {
  constructor(readonly reader: FeedReader) {
    super();
  }
}
