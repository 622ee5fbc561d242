import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { AlertAction } from '../../domain/security-alert-status';
import type { SecurityAlert } from '../../infrastructure/security-alerts.repository';

/** Someone acknowledges an alert (looking into it) or resolves it, with an optional note. */
export class TriageSecurityAlertCommand extends Command<SecurityAlert> {
  constructor(
    readonly actor: Actor,
    readonly organizationId: string,
    /** The person acting (also when through their API key). */
    readonly userId: string,
    readonly alertId: string,
    readonly action: AlertAction,
    readonly note: string | null,
  ) {
    super();
  }
}
