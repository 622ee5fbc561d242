import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { HotReads } from '../../../../infrastructure/database/hot-reads';
import { RoleCatalogue } from '../../../access-policy';
import { kindsVisibleTo, UNREAD_COUNT } from '../../infrastructure/feed-reader';
import { CountUnreadNotificationsQuery } from './count-unread.query';

@QueryHandler(CountUnreadNotificationsQuery)
export class CountUnreadNotificationsHandler implements IQueryHandler<CountUnreadNotificationsQuery, number> {
  constructor(
    private readonly hot: HotReads,
    private readonly roles: RoleCatalogue,
  ) {}

  async execute({ reader }: CountUnreadNotificationsQuery): Promise<number> {
    const kinds = await kindsVisibleTo(this.roles, reader);
    const [unread] = await this.hot.rows<{ n: number }>(UNREAD_COUNT.name, UNREAD_COUNT.text, [reader.organizationId, reader.userId, kinds]);
    return unread.n;
  }
}
