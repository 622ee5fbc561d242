import { DomainError } from '../../../shared/domain-error';

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
export const ALERT_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'resolved'];

export type AlertAction = 'acknowledge' | 'resolve';

/** A status change the alert's current status does not allow (409). */
export class AlertTransitionError extends DomainError {
  constructor(from: AlertStatus, action: AlertAction) {
    super('AUDIT.ALERT_TRANSITION', 'conflict', `An alert that is ${from} cannot be ${action === 'acknowledge' ? 'acknowledged' : 'resolved'}`);
  }
}

/** open → acknowledged → resolved, or open → resolved; a resolved alert stays resolved. */
export function nextAlertStatus(from: AlertStatus, action: AlertAction): AlertStatus {
  if (action === 'acknowledge' && from === 'open') return 'acknowledged';
  if (action === 'resolve' && from !== 'resolved') return 'resolved';
  throw new AlertTransitionError(from, action);
}
