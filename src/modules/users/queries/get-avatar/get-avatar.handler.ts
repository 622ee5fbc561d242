import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { NotFoundError } from '../../../../shared/domain-error';
import { GetAvatarQuery, type StoredAvatar } from './get-avatar.query';

interface AvatarRow {
  content_type: string;
  image: Buffer;
  updated_at: Date | string;
}

@QueryHandler(GetAvatarQuery)
export class GetAvatarHandler implements IQueryHandler<GetAvatarQuery, StoredAvatar> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(query: GetAvatarQuery): Promise<StoredAvatar> {
    // scoped by hand (a lean read, off the unit of work); a removed user's picture is gone too
    const [row] = await this.uow
      .reader(query.organizationId)
      .getConnection()
      .execute<AvatarRow[]>(
        `select a.content_type, a.image, a.updated_at
           from avatars a join users u on u.id = a.user_id and u.organization_id = a.organization_id
          where a.organization_id = ? and a.user_id = ? and u.status <> 'removed'`,
        [query.organizationId, query.userId],
        'all',
      );
    if (!row) throw new NotFoundError('Avatar');
    return { contentType: row.content_type, image: row.image, updatedAt: new Date(row.updated_at) };
  }
}
