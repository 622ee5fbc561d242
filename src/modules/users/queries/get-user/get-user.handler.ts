import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { NotFoundError } from '../../../../shared/domain-error';
import { Ports } from '../../../access-policy';
import { TeamDirectory } from '../../contracts/team-directory';
import { User } from '../../domain/user.entity';
import { userDetail, type UserDetailView } from '../user-views';
import { GetUserQuery } from './get-user.query';

@QueryHandler(GetUserQuery)
export class GetUserHandler implements IQueryHandler<GetUserQuery, UserDetailView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ports: Ports,
  ) {}

  async execute(query: GetUserQuery): Promise<UserDetailView> {
    // the tenant filter answers another organization's user as not found
    const user = await this.uow.reader(query.organizationId).findOne(User, { id: query.userId });
    if (!user) throw new NotFoundError('User');
    const teams = await this.ports.get(TeamDirectory).teamsOfUser(query.organizationId, user.id);
    return { ...userDetail(user), teams };
  }
}
