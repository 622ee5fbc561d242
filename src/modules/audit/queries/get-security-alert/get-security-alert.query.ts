import { Query } from '@nestjs/cqrs';
import type { AlertEvent, SecurityAlert } from '../../infrastructure/security-alerts.repository';

export interface SecurityAlertDetail extends SecurityAlert {
  /** The newest events behind the alert (the newest 200; `eventCount` says how many in all). */
  events: AlertEvent[];
}

/** One alert with the events behind it; another organization's is not found. */
export class GetSecurityAlertQuery extends Query<SecurityAlertDetail> {
  constructor(
    readonly organizationId: string,
    readonly alertId: string,
  ) {
    super();
  }
}
