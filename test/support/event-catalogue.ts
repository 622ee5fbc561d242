import type { AppendedEvent } from '../../src/infrastructure/event-store/event-store';
import { examplePayload, type CatalogueEntry, type EventCatalogue } from '../../src/shared/event-catalogue';
import type { DomainEvent } from '../../src/shared/domain-event';
import { LOGIN_EVENT_TYPES } from '../../src/modules/audit/projections/login-history.sql';
import { PERMISSION_CHANGE_KINDS } from '../../src/modules/audit/projections/permission-changes.sql';
import { outcomeOf } from '../../src/modules/audit/projections/event-outcome';
import type { TestEnvironment } from './test-env';

/**
 * One synthetic event of every declared type: the subject is the type's usual aggregate
 * (a fresh id each), the payload is made from its JSON Schema alone (examplePayload).
 */
export function syntheticEvents(catalogue: EventCatalogue, organizationId: string): { entry: CatalogueEntry; event: DomainEvent }[] {
  return catalogue.entries().map((entry) => ({
    entry,
    event: {
      type: entry.type,
      organizationId,
      subject: { type: entry.subject[0], id: crypto.randomUUID() },
      payload: examplePayload(catalogue.payloadSchema(entry.type)),
    } as DomainEvent,
  }));
}

/**
 * A read model the catalogue's events are projected into, and what each of its rows must
 * hold. `appliesTo` says which types it receives (audit_log: all; login history: category
 * `login`, …); `rows` reads what it holds of the given events, keyed by event id; `check`
 * asserts one row against the stored event. Add a read model here and the catalogue test
 * (test/e2e/audit/event-catalogue.e2e-spec.ts) checks every declared type against it.
 */
export interface CatalogueProjection {
  name: string;
  appliesTo(entry: CatalogueEntry): boolean;
  rows(env: TestEnvironment, eventIds: string[]): Promise<Map<string, Record<string, unknown>>>;
  check(row: Record<string, unknown>, stored: AppendedEvent & { seq: number }, entry: CatalogueEntry): void;
}

async function rowsOf(env: TestEnvironment, table: string, columns: string, eventIds: string[]): Promise<Map<string, Record<string, unknown>>> {
  const sql = await env.sql();
  try {
    const { rows } = await sql.query<Record<string, unknown>>(
      `select event_id, ${columns}, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at
         from ${table} where event_id = any($1::uuid[])`,
      [eventIds],
    );
    return new Map(rows.map((row) => [row.event_id as string, row]));
  } finally {
    await sql.end();
  }
}

export const AUDIT_LOG_PROJECTION_CHECK: CatalogueProjection = {
  name: 'audit_log',
  appliesTo: () => true,
  rows: (env, eventIds) => rowsOf(env, 'audit_log', 'organization_id, seq, type, actor_type, actor_id, actor_ip, subject_type, subject_id, payload', eventIds),
  check(row, stored) {
    expect({ ...row, seq: Number(row.seq) }).toEqual({
      event_id: stored.id,
      organization_id: stored.organizationId,
      seq: stored.seq,
      type: stored.type,
      actor_type: stored.actor.type,
      actor_id: stored.actor.id,
      actor_ip: stored.actor.ip,
      subject_type: stored.subject.type,
      subject_id: stored.subject.id,
      payload: stored.payload,
      occurred_at: stored.occurredAt,
    });
  },
};


/** Sign-ins and their failures, by method: the user is the event's subject, the address the actor's. */
export const LOGIN_HISTORY_PROJECTION_CHECK: CatalogueProjection = {
  name: 'login_history',
  appliesTo: (entry) => (LOGIN_EVENT_TYPES as readonly string[]).includes(entry.type),
  rows: (env, eventIds) => rowsOf(env, 'login_history', 'organization_id, seq, type, result, user_id, ip, user_agent, request_id', eventIds),
  check(row, stored) {
    expect({ ...row, seq: Number(row.seq) }).toEqual({
      event_id: stored.id,
      organization_id: stored.organizationId,
      seq: stored.seq,
      type: stored.type,
      result: outcomeOf(stored.type) === 'success' ? 'success' : 'failure',
      user_id: stored.subject.id,
      ip: stored.actor.ip,
      user_agent: stored.actor.userAgent,
      request_id: stored.actor.requestId,
      occurred_at: stored.occurredAt,
    });
  },
};

/** Role changes, grants, policies, SSO settings and operators: what changed and who changed it. */
export const PERMISSION_CHANGES_PROJECTION_CHECK: CatalogueProjection = {
  name: 'permission_changes',
  appliesTo: (entry) => entry.type in PERMISSION_CHANGE_KINDS,
  rows: (env, eventIds) => rowsOf(env, 'permission_changes', 'organization_id, seq, type, change, actor_type, actor_id, actor_ip, subject_type, subject_id', eventIds),
  check(row, stored) {
    expect({ ...row, seq: Number(row.seq) }).toEqual({
      event_id: stored.id,
      organization_id: stored.organizationId,
      seq: stored.seq,
      type: stored.type,
      change: PERMISSION_CHANGE_KINDS[stored.type as keyof typeof PERMISSION_CHANGE_KINDS],
      actor_type: stored.actor.type,
      actor_id: stored.actor.id,
      actor_ip: stored.actor.ip,
      subject_type: stored.subject.type,
      subject_id: stored.subject.id,
      occurred_at: stored.occurredAt,
    });
  },
};

/** Every read model the catalogue test checks: each declared type must land in exactly the ones that apply to it. */
export const CATALOGUE_PROJECTIONS: CatalogueProjection[] = [AUDIT_LOG_PROJECTION_CHECK, LOGIN_HISTORY_PROJECTION_CHECK, PERMISSION_CHANGES_PROJECTION_CHECK];
