import { Query } from '@nestjs/cqrs';
import type { UserDetailView } from '../user-views';

/** One user of the organization, as an administrator sees them; another organization's is not found. */
export class GetUserQuery extends Query<UserDetailView> {
  constructor(
    readonly organizationId: string,
    readonly userId: string,
  ) {
    super();
  }
}
