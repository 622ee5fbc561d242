import type { StoredEvent } from '../../src/infrastructure/event-store/event-hash';
import { examplePayload, type CatalogueEntry, type EventCatalogue } from '../../src/shared/event-catalogue';
import type { DomainEvent } from '../../src/shared/domain-event';
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
  check(row: Record<string, unknown>, stored: StoredEvent, entry: CatalogueEntry): void;
}

export const AUDIT_LOG_PROJECTION_CHECK: CatalogueProjection = {
  name: 'audit_log',
  appliesTo: () => true,
  async rows(env, eventIds) {
    const sql = await env.sql();
    try {
      const { rows } = await sql.query<Record<string, unknown>>(
        `select event_id, organization_id, seq, type, actor_type, actor_id, actor_ip, subject_type, subject_id, payload,
                to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at
           from audit_log where event_id = any($1::uuid[])`,
        [eventIds],
      );
      return new Map(rows.map((row) => [row.event_id as string, row]));
    } finally {
      await sql.end();
    }
  },
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

/** Every read model the catalogue test checks (wt-projections: add login history, permission changes, security events). */
export const CATALOGUE_PROJECTIONS: CatalogueProjection[] = [AUDIT_LOG_PROJECTION_CHECK];
