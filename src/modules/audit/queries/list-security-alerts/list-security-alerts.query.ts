import { Query } from '@nestjs/cqrs';
import type { Page } from '../../../../shared/pagination';
import type { AlertFilter, SecurityAlert } from '../../infrastructure/security-alerts.repository';

/** The organization's security alerts, newest first, by keyset on (raisedAt, id). */
export class ListSecurityAlertsQuery extends Query<Page<SecurityAlert>> {
  constructor(
    readonly organizationId: string,
    readonly filter: AlertFilter & { cursor?: string; limit: number },
  ) {
    super();
  }
}
