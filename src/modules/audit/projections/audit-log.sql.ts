import { nameSql } from './names.sql';
import { outcomeSql } from './event-outcome';

/** The audit_log columns, and how each is read from an `events e` row: one definition for the projector and the rebuild. */
export const AUDIT_LOG_COLUMNS = `event_id, organization_id, seq, type, category, outcome, actor_type, actor_id, actor_name, actor_ip, actor_user_agent, request_id,
  subject_type, subject_id, subject_name, payload, occurred_at`;
export const AUDIT_LOG_FROM_EVENTS = `select e.id, e.organization_id, e.seq, e.type, split_part(e.type, '.', 1), ${outcomeSql('e.type')},
  e.actor->>'type', e.actor->>'id', ${nameSql("e.actor->>'type'", "e.actor->>'id'")}, e.actor->>'ip', e.actor->>'userAgent', e.actor->>'requestId',
  e.subject->>'type', e.subject->>'id', ${nameSql("e.subject->>'type'", "e.subject->>'id'")}, e.payload, e.occurred_at from events e`;
