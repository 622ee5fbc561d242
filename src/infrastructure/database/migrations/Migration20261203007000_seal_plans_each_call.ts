import { Migration } from '@mikro-orm/migrations';
import { editFunction } from './Migration20261203004000_append_wakes_after_commit';

const SEAL = 'gatehouse_seal_events(int)';
const BY_ORGANIZATION = 'delete from event_pending where organization_id = v_org and n = any(v_ns);';
const BY_RANGE = 'delete from event_pending where organization_id = v_org and n between v_ns[1] and v_ns[cardinality(v_ns)] and n = any(v_ns);';

/**
 * gatehouse_seal_events reads and deletes a batch through the (organization_id, n) index in
 * every plan. `event_pending` is a queue: nearly empty whenever it is analyzed, so the planner
 * expects a handful of rows an organization whatever the backlog (100 of 20,000 in the test),
 * and a worker's session keeps the generic plans it made while it sealed commands a few at a
 * time. When a backlog came, a seal of 500 read the organization's whole part of the queue: the
 * deletion filtered it by the array (200,000 rows, 630 ms), or the read took it all through a
 * bitmap and sorted it (about 200 ms a call at 450,000); the audit pipeline's capacity run
 * drained at 430 to 2,700 events a second. So the function plans each call for the queue as it
 * is then, may not scan a bitmap (for `order by n limit`, the ordered index scan is then the
 * plan left on any table bigger than a few pages), and the deletion names the range of `n` it
 * chained, an index condition in any plan. A seal of 500 from a backlog of 100,000: 6.3 ms
 * with these settings, 8.5 ms with plpgsql's own plans and fresh statistics (a seal of three: 1.3 → 1.5 ms).
 */
export class Migration20261203007000_seal_plans_each_call extends Migration {
  override up(): void {
    this.addSql(editFunction(SEAL, BY_ORGANIZATION, BY_RANGE));
    this.addSql(`alter function ${SEAL} set plan_cache_mode = force_custom_plan`);
    this.addSql(`alter function ${SEAL} set enable_bitmapscan = off`);
  }

  override down(): void {
    this.addSql(`alter function ${SEAL} reset plan_cache_mode`);
    this.addSql(`alter function ${SEAL} reset enable_bitmapscan`);
    this.addSql(editFunction(SEAL, BY_RANGE, BY_ORGANIZATION));
  }
}
