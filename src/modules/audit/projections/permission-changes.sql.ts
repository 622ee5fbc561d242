import type { EventType } from '../../../shared/event-catalogue';
import { nameSql } from './names.sql';

/**
 * What kind of permission each event type changes: roles, grants, policies, SSO settings,
 * operators. A role an IdP maps is recorded as user.role_changed too, so sso.role_mapped
 * is not listed twice.
 */
export const PERMISSION_CHANGE_KINDS: Readonly<Partial<Record<EventType, string>>> = {
  'user.role_changed': 'user_role',
  'team.permissions_set': 'team_grants',
  'resource.permissions_set': 'resource_grants',
  'role.created': 'custom_role',
  'role.updated': 'custom_role',
  'role.deleted': 'custom_role',
  'policy.updated': 'policy',
  'sso.settings_changed': 'sso_settings',
  'platform.operator_granted': 'platform_operator',
  'platform.operator_revoked': 'platform_operator',
};

export const PERMISSION_CHANGE_KINDS_LIST = [...new Set(Object.values(PERMISSION_CHANGE_KINDS))];

const kindSql = `(case e.type ${Object.entries(PERMISSION_CHANGE_KINDS)
  .map(([type, kind]) => `when '${type}' then '${kind}'`)
  .join(' ')} end)`;

/** Before and after as each event type carries them (older events without `before` show null). */
const beforeSql = `(case e.type
  when 'user.role_changed' then jsonb_build_object('role', e.payload->'from')
  when 'team.permissions_set' then e.payload->'before'
  when 'resource.permissions_set' then e.payload->'before'
  when 'role.updated' then case when e.payload->'before' is not null then jsonb_build_object('permissions', e.payload->'before') end
  when 'role.deleted' then jsonb_build_object('name', e.payload->'name')
  when 'policy.updated' then e.payload->'before'
  when 'sso.settings_changed' then e.payload->'before'
  when 'platform.operator_granted' then jsonb_build_object('platformOperator', false)
  when 'platform.operator_revoked' then jsonb_build_object('platformOperator', true)
end)`;
const afterSql = `(case e.type
  when 'user.role_changed' then jsonb_build_object('role', e.payload->'to')
  when 'team.permissions_set' then e.payload->'grants'
  when 'resource.permissions_set' then e.payload->'grants'
  when 'role.created' then jsonb_build_object('name', e.payload->'name', 'permissions', e.payload->'permissions')
  when 'role.updated' then case when e.payload->'after' is not null then jsonb_build_object('permissions', e.payload->'after') end
  when 'role.deleted' then jsonb_build_object('replacement', e.payload->'replacement', 'reassignedUsers', e.payload->'reassignedUsers')
  when 'policy.updated' then e.payload->'after'
  when 'sso.settings_changed' then e.payload->'after'
  when 'platform.operator_granted' then jsonb_build_object('platformOperator', true)
  when 'platform.operator_revoked' then jsonb_build_object('platformOperator', false)
end)`;

export const PERMISSION_CHANGES_COLUMNS = `event_id, organization_id, seq, type, change, actor_type, actor_id, actor_name, actor_ip, request_id,
  subject_type, subject_id, subject_name, before, after, occurred_at`;
export const PERMISSION_CHANGES_FROM_EVENTS = `select e.id, e.organization_id, e.seq, e.type, ${kindSql},
  e.actor->>'type', e.actor->>'id', ${nameSql("e.actor->>'type'", "e.actor->>'id'")}, e.actor->>'ip', e.actor->>'requestId',
  e.subject->>'type', e.subject->>'id', ${nameSql("e.subject->>'type'", "e.subject->>'id'")}, ${beforeSql}, ${afterSql}, e.occurred_at from events e`;
export const PERMISSION_CHANGES_WHERE = `e.type in (${Object.keys(PERMISSION_CHANGE_KINDS)
  .map((type) => `'${type}'`)
  .join(', ')})`;
