/** The audit_log columns, and how each is read from an `events e` row: one definition for the projector and the rebuild. */
export const AUDIT_LOG_COLUMNS = 'event_id, organization_id, seq, type, actor_type, actor_id, actor_ip, subject_type, subject_id, payload, occurred_at';
export const AUDIT_LOG_FROM_EVENTS = `select e.id, e.organization_id, e.seq, e.type, e.actor->>'type', e.actor->>'id', e.actor->>'ip',
  e.subject->>'type', e.subject->>'id', e.payload, e.occurred_at from events e`;
