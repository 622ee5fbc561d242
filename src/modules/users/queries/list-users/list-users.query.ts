import { Query } from '@nestjs/cqrs';
import type { Page } from '../../../../shared/pagination';
import type { UserStatus } from '../../domain/user.entity';
import type { UserListItemView } from '../user-views';

export interface UserListFilter {
  status?: UserStatus;
  role?: string;
  /** Case-insensitive substring of the name or the email. */
  q?: string;
  /** Refused until teams exist. */
  team?: string;
  cursor?: string;
  limit: number;
}

/** The organization's users, newest first, by keyset on (created_at, id). */
export class ListUsersQuery extends Query<Page<UserListItemView>> {
  constructor(
    readonly organizationId: string,
    readonly filter: UserListFilter,
  ) {
    super();
  }
}
