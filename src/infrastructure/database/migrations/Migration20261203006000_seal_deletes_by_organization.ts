import { Migration } from '@mikro-orm/migrations';
import { editFunction } from './Migration20261203004000_append_wakes_after_commit';

const SEAL = 'gatehouse_seal_events(int)';
const BY_N = 'delete from event_pending where n = any(v_ns);';
const BY_ORGANIZATION = 'delete from event_pending where organization_id = v_org and n = any(v_ns);';

/**
 * gatehouse_seal_events deletes the rows it chained by organization and `n`. By `n` alone, the
 * generic plan plpgsql settles on after a few calls, with the statistics of a queue table
 * autovacuum had not analyzed since it was empty, scanned the whole (organization_id, n) index
 * for every batch: a backlog of 450,000 pending events (the audit pipeline's capacity run)
 * sealed 500 in 3–5 s, about 150 a second. With the organization named, every plan finds the
 * rows by both columns (15 ms a batch of 500).
 */
export class Migration20261203006000_seal_deletes_by_organization extends Migration {
  override up(): void {
    this.addSql(editFunction(SEAL, BY_N, BY_ORGANIZATION));
  }

  override down(): void {
    this.addSql(editFunction(SEAL, BY_ORGANIZATION, BY_N));
  }
}
