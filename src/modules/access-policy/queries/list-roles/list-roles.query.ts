import { Query } from '@nestjs/cqrs';
import type { RoleView } from '../role.view';

/** The organization's roles, built-in and custom; one when `roleId` is given (null: not found). */
export class ListRolesQuery extends Query<RoleView[]> {
  constructor(readonly organizationId: string) {
    super();
  }
}
