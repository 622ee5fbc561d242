import type { EntityManager } from '@mikro-orm/postgresql';
import { Command } from '@nestjs/cqrs';
import type { AlertPlan } from '../../domain/alert-grouping';

/**
 * The detector's findings of one pass: alerts to open and events to add to open ones. It
 * runs in the pass's transaction (`tx`), so the alerts, their events and mails commit with
 * the detector's position: a pass repeated after a crash raises nothing twice.
 */
export class RaiseSecurityAlertsCommand extends Command<{ opened: number; added: number }> {
  constructor(
    readonly tx: EntityManager,
    readonly organizationId: string,
    readonly plan: AlertPlan,
  ) {
    super();
  }
}
