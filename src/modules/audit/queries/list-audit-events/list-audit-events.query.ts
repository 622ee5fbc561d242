import { Query } from '@nestjs/cqrs';
import type { Page } from '../../../../shared/pagination';
import type { EventOutcome } from '../../projections/event-outcome';

export interface AuditEventView {
  id: string;
  seq: number;
  type: string;
  outcome: EventOutcome;
  actor: { type: string; id: string | null; name: string | null; ip: string | null; userAgent: string | null };
  subject: { type: string; id: string | null; name: string | null };
  requestId: string | null;
  payload: Record<string, unknown>;
  occurredAt: string;
}

export interface AuditEventFilter {
  type?: string;
  actor?: string;
  subject?: string;
  /** Events about the team, or by or about its current members. */
  team?: string;
  outcome?: EventOutcome;
  ip?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
}

/** The audit read model, newest first, by keyset on seq. */
export class ListAuditEventsQuery extends Query<Page<AuditEventView>> {
  constructor(
    readonly organizationId: string,
    readonly filter: AuditEventFilter,
  ) {
    super();
  }
}
