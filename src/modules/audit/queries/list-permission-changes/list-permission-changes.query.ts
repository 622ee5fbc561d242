import { Query } from '@nestjs/cqrs';
import type { Page } from '../../../../shared/pagination';

export interface PermissionChangeView {
  id: string;
  seq: number;
  type: string;
  change: string;
  actor: { type: string; id: string | null; name: string | null; ip: string | null };
  subject: { type: string; id: string | null; name: string | null };
  requestId: string | null;
  before: unknown;
  after: unknown;
  occurredAt: string;
}

export interface PermissionChangeFilter {
  change?: string;
  actor?: string;
  subject?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
}

/** Role changes, grants, custom roles, policies and SSO settings, with before and after; newest first. */
export class ListPermissionChangesQuery extends Query<Page<PermissionChangeView>> {
  constructor(
    readonly organizationId: string,
    readonly filter: PermissionChangeFilter,
  ) {
    super();
  }
}
