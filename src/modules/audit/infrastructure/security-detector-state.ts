import { Injectable } from '@nestjs/common';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import { RFC3339_MS } from '../../../infrastructure/event-store/event-store';
import { deviceKey, type DetectionState, type DeviceKind, type Hit, type Sighting } from '../domain/security-rules';

const trx = (tx: EntityManager) => tx.getTransactionContext<Knex.Transaction>();
const SIGNED_IN = 'signed_in';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// What no rule can need any more is forgotten at most this often per organization (event
// time): the rules judge every window hit and device by its time, so an expired row left a
// little longer changes no detection; pruning on every pass cost a sign-in's pass two of its
// statements.
const PRUNE_EVERY_MS = 60_000;

/**
 * The detector's memory between passes (sliding windows, the addresses and devices users
 * signed in from), read and written inside the pass's transaction. It is derived from the
 * stream alone, like a projection: no event records it.
 */
@Injectable()
export class SecurityDetectorState {
  /** Per organization, the event time of this process's last pruning. */
  private readonly prunedAt = new Map<string, number>();

  async loadWindows(tx: EntityManager, organizationId: string, keys: { rule: string; key: string }[], into: DetectionState): Promise<void> {
    if (!keys.length) return;
    const rows = await tx.getConnection().execute<{ rule: string; key: string; hits: Hit[] }[]>(
      `select rule, key, hits from security_detector_windows
        where organization_id = ? and (rule, key) in (select k->>0, k->>1 from jsonb_array_elements(?::jsonb) k)`,
      [organizationId, JSON.stringify(keys.map((k) => [k.rule, k.key]))],
      'all',
      trx(tx),
    );
    for (const row of rows) into.windows.set(`${row.rule}|${row.key}`, row.hits);
  }

  /**
   * The devices the batch's sign-ins are judged against (`into`: as they were before the batch)
   * and, in the same statement, the batch's own sightings recorded for later passes: every
   * part of one statement reads the same snapshot, so the read does not see the write. One
   * round trip where a sign-in's pass took two.
   */
  async loadAndRecordDevices(tx: EntityManager, organizationId: string, sightings: readonly Sighting[], into: DetectionState): Promise<void> {
    // user ids only: the columns are uuids, and one odd subject must not stall the detector
    const recorded = sightings.filter((s) => UUID.test(s.userId));
    if (!recorded.length) return;
    const rows = await tx.getConnection().execute<{ user_id: string; kind: DeviceKind | typeof SIGNED_IN; value: string; last_seen_at: string }[]>(
      `with recorded as (
         insert into security_known_devices (organization_id, user_id, kind, value, last_seen_at)
         select ?, (d->>0)::uuid, d->>1, d->>2, max((d->>3)::timestamptz) from jsonb_array_elements(?::jsonb) d group by 2, 3, 4
         on conflict (organization_id, user_id, kind, value) do update set last_seen_at = greatest(security_known_devices.last_seen_at, excluded.last_seen_at))
       select user_id, kind, value, to_char(last_seen_at at time zone 'UTC', ${RFC3339_MS}) as last_seen_at from security_known_devices
        where organization_id = ? and user_id in (select (jsonb_array_elements_text(?::jsonb))::uuid)`,
      [organizationId, JSON.stringify(recorded.map((s) => [s.userId, s.kind, s.value, s.at])), organizationId, JSON.stringify([...new Set(recorded.map((s) => s.userId))])],
      'all',
      trx(tx),
    );
    for (const row of rows) {
      into.signedInBefore.add(row.user_id);
      if (row.kind !== SIGNED_IN) into.devices.set(deviceKey(row.user_id, row.kind, row.value), row.last_seen_at);
    }
  }

  /** Writes the windows the pass changed (its sightings are written as they are loaded), and forgets what no rule can need any more. */
  async save(
    tx: EntityManager,
    organizationId: string,
    state: DetectionState,
    options: { prune: { at: number; windowsBefore: string; devicesBefore: string }; removedUsers: string[] },
  ): Promise<void> {
    const connection = tx.getConnection();
    const windows = [...state.dirty].map((name) => {
      const bar = name.indexOf('|');
      const hits = state.windows.get(name) ?? [];
      return [name.slice(0, bar), name.slice(bar + 1), hits, hits[hits.length - 1]?.at ?? options.prune.windowsBefore];
    });
    if (windows.length) {
      await connection.execute(
        `insert into security_detector_windows (organization_id, rule, key, hits, last_at)
         select ?, w->>0, w->>1, w->2, (w->>3)::timestamptz from jsonb_array_elements(?::jsonb) w
         on conflict (organization_id, rule, key) do update set hits = excluded.hits, last_at = excluded.last_at`,
        [organizationId, JSON.stringify(windows)],
        'run',
        trx(tx),
      );
    }
    if (options.removedUsers.length) {
      // a removed user's addresses are personal data: they go with the account
      await connection.execute(
        'delete from security_known_devices where organization_id = ? and user_id in (select (jsonb_array_elements_text(?::jsonb))::uuid)',
        [organizationId, JSON.stringify(options.removedUsers)],
        'run',
        trx(tx),
      );
    }
    if (this.pruneDue(organizationId, options.prune.at)) {
      await connection.execute(
        `with windows as (delete from security_detector_windows where organization_id = ? and last_at < ?)
         delete from security_known_devices where organization_id = ? and kind <> '${SIGNED_IN}' and last_seen_at < ?`,
        [organizationId, options.prune.windowsBefore, organizationId, options.prune.devicesBefore],
        'run',
        trx(tx),
      );
    }
  }

  /**
   * Whether this pass prunes: the first in the organization since this process started, then
   * once PRUNE_EVERY_MS of event time has passed (or time went back: a replay). Marked before
   * the commit: a pass that rolls back leaves the rows one interval longer, which no rule reads.
   */
  private pruneDue(organizationId: string, at: number): boolean {
    const last = this.prunedAt.get(organizationId);
    if (last !== undefined && at >= last && at - last < PRUNE_EVERY_MS) return false;
    this.prunedAt.set(organizationId, at);
    return true;
  }
}
