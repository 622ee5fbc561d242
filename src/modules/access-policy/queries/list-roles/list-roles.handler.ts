import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { RoleCatalogue } from '../../infrastructure/role-catalogue';
import { roleView, type RoleView } from '../role.view';
import { ListRolesQuery } from './list-roles.query';

@QueryHandler(ListRolesQuery)
export class ListRolesHandler implements IQueryHandler<ListRolesQuery, RoleView[]> {
  constructor(private readonly roles: RoleCatalogue) {}

  async execute(query: ListRolesQuery): Promise<RoleView[]> {
    return (await this.roles.list(query.organizationId)).map((role) => roleView(role, role.description));
  }
}
