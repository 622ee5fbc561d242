import { Migration } from '@mikro-orm/migrations';

/**
 * An organization's events appended in one round trip (EventStore.append): the stream head
 * locked, the events chained from it, written with their outbox rows, the head moved and the
 * relay notified. A function because each statement in it takes a fresh snapshot: the head
 * read after waiting for its lock is the one the previous append committed, which a single
 * statement (one snapshot) cannot both lock and then update. The hash is SHA-256 of the
 * event's canonical JSON, which the caller prepares around the two values only the head
 * knows (prefix || prev_hash || middle || seq || suffix) and checks on return.
 */
export const APPEND_EVENTS_FUNCTION = `
      create function gatehouse_append_events(p_organization_id uuid, p_occurred_at timestamptz, p_events jsonb)
      returns table (o_seq bigint, o_prev_hash text, o_hash text)
      language plpgsql as $fn$
      declare
        v_seq bigint;
        v_hash text;
        e record;
      begin
        select s.last_seq, s.last_hash into v_seq, v_hash from event_streams s where s.organization_id = p_organization_id for update;
        if not found then
          return;
        end if;
        for e in
          select x.* from jsonb_to_recordset(p_events) as x (
            i int, id uuid, type text, actor jsonb, subject jsonb, payload jsonb, prefix text, middle text, suffix text
          ) order by x.i
        loop
          o_seq := v_seq + 1;
          o_prev_hash := v_hash;
          o_hash := encode(sha256(convert_to(e.prefix || v_hash || e.middle || o_seq::text || e.suffix, 'UTF8')), 'hex');
          insert into events (id, organization_id, seq, type, actor, subject, payload, occurred_at, prev_hash, hash)
          values (e.id, p_organization_id, o_seq, e.type, e.actor, e.subject, e.payload, p_occurred_at, o_prev_hash, o_hash);
          insert into event_outbox (event_id, organization_id) values (e.id, p_organization_id);
          v_seq := o_seq;
          v_hash := o_hash;
          return next;
        end loop;
        update event_streams set last_seq = v_seq, last_hash = v_hash where organization_id = p_organization_id;
        perform pg_notify('gatehouse_events', '');
      end
      $fn$`;

export class Migration20261203001000_event_append_function extends Migration {
  override up(): void {
    this.addSql(APPEND_EVENTS_FUNCTION);
  }

  override down(): void {
    this.addSql('drop function if exists gatehouse_append_events(uuid, timestamptz, jsonb)');
  }
}
