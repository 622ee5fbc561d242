import type { Client } from 'pg';
import { ChainVerifier } from '../../src/infrastructure/event-store/event-hash';
import { RFC3339_MS, toStoredEvent, type EventRow } from '../../src/infrastructure/event-store/event-store';

/** The organization's chain as stored, checked with the verifier `audit verify` uses. */
export async function verifyChain(sql: Client, organizationId: string) {
  const { rows } = await sql.query<EventRow>(
    `select id, organization_id, seq, type, actor, subject, payload, to_char(occurred_at at time zone 'UTC', ${RFC3339_MS}) as occurred_at, prev_hash, hash
       from events where organization_id = $1 order by seq`,
    [organizationId],
  );
  const verifier = new ChainVerifier(null);
  for (const row of rows) verifier.add(toStoredEvent(row));
  return verifier.result();
}
