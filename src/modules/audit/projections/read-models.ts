import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type { EventType } from '../../../shared/event-catalogue';
import { AUDIT_LOG_COLUMNS, AUDIT_LOG_FROM_EVENTS } from './audit-log.sql';
import { LOGIN_EVENT_TYPES, LOGIN_HISTORY_COLUMNS, LOGIN_HISTORY_FROM_EVENTS, LOGIN_HISTORY_WHERE } from './login-history.sql';
import { REMOVED_USER } from './names.sql';
import { PERMISSION_CHANGE_KINDS, PERMISSION_CHANGES_COLUMNS, PERMISSION_CHANGES_FROM_EVENTS, PERMISSION_CHANGES_WHERE } from './permission-changes.sql';

/**
 * A read model the audit projector fills from the store: its columns, how a row is read
 * from an `events e` row, which events it keeps, and how a user's erasure renames them in
 * rows written before it. The projector and the rebuild both work from this list.
 */
export interface AuditReadModel {
  table: string;
  columns: string;
  fromEvents: string;
  where: string | null;
  /** The event types `where` can admit (null: every type), so a batch known to hold none skips the statement. */
  types: readonly string[] | null;
  /** The unique key a replayed event conflicts on (a partitioned table's includes occurred_at). */
  conflictKey: string;
  /** Statements (params: organization id, user id) that show an erased user as "removed user". */
  erase: string[];
}

const erase = (table: string, type: string, id: string, name: string) =>
  `update ${table} set ${name} = '${REMOVED_USER}' where organization_id = ? and ${id} = ? and ${type} and ${name} is distinct from '${REMOVED_USER}'`;

export const AUDIT_READ_MODELS: readonly AuditReadModel[] = [
  {
    table: 'audit_log',
    columns: AUDIT_LOG_COLUMNS,
    fromEvents: AUDIT_LOG_FROM_EVENTS,
    where: null,
    types: null,
    conflictKey: 'event_id, occurred_at',
    erase: [erase('audit_log', "actor_type = 'user'", 'actor_id', 'actor_name'), erase('audit_log', "subject_type = 'user'", 'subject_id', 'subject_name')],
  },
  {
    table: 'login_history',
    columns: LOGIN_HISTORY_COLUMNS,
    fromEvents: LOGIN_HISTORY_FROM_EVENTS,
    where: LOGIN_HISTORY_WHERE,
    types: LOGIN_EVENT_TYPES,
    conflictKey: 'event_id',
    erase: [erase('login_history', 'true', 'user_id', 'user_name')],
  },
  {
    table: 'permission_changes',
    columns: PERMISSION_CHANGES_COLUMNS,
    fromEvents: PERMISSION_CHANGES_FROM_EVENTS,
    where: PERMISSION_CHANGES_WHERE,
    types: Object.keys(PERMISSION_CHANGE_KINDS),
    conflictKey: 'event_id',
    erase: [
      erase('permission_changes', "actor_type = 'user'", 'actor_id', 'actor_name'),
      erase('permission_changes', "subject_type = 'user'", 'subject_id', 'subject_name'),
    ],
  },
];

/** Shows an erased user as "removed user" in every read model's rows written so far, in the caller's transaction. */
export async function eraseUserRows(tx: EntityManager, organizationId: string, userId: string): Promise<void> {
  const trx = tx.getTransactionContext<Knex.Transaction>();
  for (const statement of AUDIT_READ_MODELS.flatMap((model) => model.erase)) await tx.getConnection().execute(statement, [organizationId, userId], 'run', trx);
}

/** The events after which a user is shown as "removed user" everywhere. */
export const ERASURE_EVENT_TYPES: readonly string[] = ['user.removed', 'auth.user_data_erased'] satisfies EventType[];

/** The statement that copies the events of one organization's seq range into `table`. */
export function copyStatement(model: AuditReadModel, table = model.table): string {
  return `insert into ${table} (${model.columns}) ${model.fromEvents}
    where ${model.where ? `${model.where} and ` : ''}e.organization_id = ? and e.seq > ? and e.seq <= ?`;
}
