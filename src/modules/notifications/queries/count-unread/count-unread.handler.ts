import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { HotReads } from '../../../../infrastructure/database/hot-reads';
import { RoleCatalogue } from '../../../access-policy';
import { countUnread, kindsVisibleTo } from '../../infrastructure/feed-reader';
import { CountUnreadNotificationsQuery } from './count-unread.query';

@QueryHandler(CountUnreadNotificationsQuery)
export class CountUnreadNotificationsHandler implements IQueryHandler<CountUnreadNotificationsQuery, number> {
  constructor(
    private readonly hot: HotReads,
    private readonly roles: RoleCatalogue,
  ) {}

  async execute({ reader }: CountUnreadNotificationsQuery): Promise<number> {
    return countUnread(this.hot, reader, await kindsVisibleTo(this.roles, reader));
  }
}
