import { ACCESS_POLICY_EVENTS } from './modules/access-policy';
import { AUDIT_EVENTS } from './modules/audit';
import { AUTH_EVENTS } from './modules/auth';
import { NOTIFICATIONS_EVENTS } from './modules/notifications';
import { ORGANIZATIONS_EVENTS } from './modules/organizations';
import { TEAMS_EVENTS } from './modules/teams';
import { USERS_EVENTS } from './modules/users';
import { EventCatalogue } from './shared/event-catalogue';

/**
 * Every module's event catalogue, in one: what the event store accepts, what consumers and
 * webhooks may name, and what GET /api/v1/audit/event-types and docs/events.md publish.
 * A module that declares event types adds its catalogue here.
 */
export const EVENT_CATALOGUE = new EventCatalogue([
  ORGANIZATIONS_EVENTS,
  USERS_EVENTS,
  TEAMS_EVENTS,
  ACCESS_POLICY_EVENTS,
  AUTH_EVENTS,
  AUDIT_EVENTS,
  NOTIFICATIONS_EVENTS,
]);
