import { Migration } from '@mikro-orm/migrations';

const FUNCTION = 'gatehouse_append_events(uuid, timestamptz, jsonb)';
const NOTIFY = `perform pg_notify('gatehouse_events', '');`;
const HEAD_MOVED = 'update event_streams set last_seq = v_seq, last_hash = v_hash where organization_id = p_organization_id;';

/**
 * Redefines the function `signature` names as it stands with `from` replaced by `to`; fails if
 * `from` is not in it (a function edited where it stands rather than written out again).
 */
export function editFunction(signature: string, from: string, to: string): string {
  const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
  return `do $$
    declare
      v_def text := pg_get_functiondef(${quote(signature)}::regprocedure);
    begin
      if position(${quote(from)} in v_def) = 0 then
        raise exception '% is not the function this migration edits', ${quote(signature)};
      end if;
      execute replace(v_def, ${quote(from)}, ${quote(to)});
    end $$`;
}

const edit = (from: string, to: string) => editFunction(FUNCTION, from, to);

/**
 * gatehouse_append_events (Migration20261203001000) no longer NOTIFYs: the process wakes the
 * relays after COMMIT (RelayWake). A NOTIFY in the transaction takes PostgreSQL's one
 * notification lock per database at commit and holds it through the WAL flush, so every
 * command's commit waited for the one before, whatever its organization. The function is
 * otherwise unchanged, so it is edited where it stands rather than written out again.
 */
/** The edit `up` makes (the event sealer's down migration makes it again on the function it restores). */
export const APPEND_WITHOUT_NOTIFY = edit(`${HEAD_MOVED}\n        ${NOTIFY}`, HEAD_MOVED);

export class Migration20261203004000_append_wakes_after_commit extends Migration {
  override up(): void {
    this.addSql(APPEND_WITHOUT_NOTIFY);
  }

  override down(): void {
    this.addSql(edit(HEAD_MOVED, `${HEAD_MOVED}\n        ${NOTIFY}`));
  }
}
