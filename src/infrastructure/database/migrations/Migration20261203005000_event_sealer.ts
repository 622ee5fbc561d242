import { Migration } from '@mikro-orm/migrations';
import { APPEND_EVENTS_FUNCTION } from './Migration20261203001000_event_append_function';
import { APPEND_WITHOUT_NOTIFY } from './Migration20261203004000_append_wakes_after_commit';

/**
 * Events are chained after the command's commit, not in it. A command's transaction writes
 * its events unchained into `event_pending` (EventStore.append: no stream head taken, so one
 * organization's commands commit side by side and share WAL flushes), and the worker's relay
 * seals what has committed (`gatehouse_seal_events`): per organization, in `n` order, it
 * locks the stream head (creating it), gives each pending event the next seq, its prev_hash
 * and its hash (SHA-256 of prefix || prev_hash || middle || seq || suffix, the canonical JSON
 * `canonicalPieces` prepared), writes it into `events`, deletes exactly the rows it chained
 * and moves the head. A plpgsql function because each statement in it takes a fresh snapshot:
 * the pending rows read after waiting for the head's lock exclude what the sealer that held
 * it deleted, so two sealers never chain a row twice. Heads are taken in organization order,
 * so sealers sealing several organizations cannot deadlock.
 *
 * `event_pending` rows are the relay's wake-ups now: `event_outbox` and the in-command append
 * (gatehouse_append_events) go. The down migration seals what is pending first, so no event
 * is lost either way, and restores both (a wake-up per event is not needed: the catch-up's
 * poll finds consumers behind their streams).
 */
export class Migration20261203005000_event_sealer extends Migration {
  override up(): void {
    this.addSql(`
      create table event_pending (
        n bigserial primary key,
        id uuid not null,
        organization_id uuid not null,
        type text not null,
        actor jsonb not null,
        subject jsonb not null,
        payload jsonb not null,
        occurred_at timestamptz not null,
        prefix text not null,
        middle text not null,
        suffix text not null
      )`);
    this.addSql('create index event_pending_organization on event_pending (organization_id, n)');
    this.addSql(`
      create function gatehouse_seal_events(p_limit int)
      returns table (o_organization_id uuid, o_id uuid, o_type text, o_seq bigint)
      language plpgsql as $fn$
      declare
        v_org uuid;
        v_seq bigint;
        v_hash text;
        v_left int := p_limit;
        e record;
        v_ns bigint[];
        v_ids uuid[];
        v_types text[];
        v_actors jsonb[];
        v_subjects jsonb[];
        v_payloads jsonb[];
        v_ats timestamptz[];
        v_seqs bigint[];
        v_prevs text[];
        v_hashes text[];
      begin
        for v_org in
          select distinct p.organization_id from (select organization_id from event_pending order by n limit p_limit) p order by 1
        loop
          exit when v_left <= 0;
          select s.last_seq, s.last_hash into v_seq, v_hash from event_streams s where s.organization_id = v_org for update;
          if not found then
            insert into event_streams (organization_id, last_seq, last_hash) values (v_org, 0, repeat('0', 64)) on conflict do nothing;
            select s.last_seq, s.last_hash into v_seq, v_hash from event_streams s where s.organization_id = v_org for update;
          end if;
          v_ns := '{}'; v_ids := '{}'; v_types := '{}'; v_actors := '{}'; v_subjects := '{}'; v_payloads := '{}';
          v_ats := '{}'; v_seqs := '{}'; v_prevs := '{}'; v_hashes := '{}';
          -- read after the head's lock: a fresh snapshot, without what the sealer before deleted
          for e in select * from event_pending p where p.organization_id = v_org order by p.n limit v_left loop
            v_prevs := array_append(v_prevs, v_hash);
            v_seq := v_seq + 1;
            v_hash := encode(sha256(convert_to(e.prefix || v_hash || e.middle || v_seq::text || e.suffix, 'UTF8')), 'hex');
            v_ns := array_append(v_ns, e.n);
            v_ids := array_append(v_ids, e.id);
            v_types := array_append(v_types, e.type);
            v_actors := array_append(v_actors, e.actor);
            v_subjects := array_append(v_subjects, e.subject);
            v_payloads := array_append(v_payloads, e.payload);
            v_ats := array_append(v_ats, e.occurred_at);
            v_seqs := array_append(v_seqs, v_seq);
            v_hashes := array_append(v_hashes, v_hash);
          end loop;
          continue when cardinality(v_ns) = 0;
          -- one statement writes the batch (one executor and partition routing, not one a row)
          insert into events (id, organization_id, seq, type, actor, subject, payload, occurred_at, prev_hash, hash)
          select u.id, v_org, u.seq, u.type, u.actor, u.subject, u.payload, u.at, u.prev, u.hash
            from unnest(v_ids, v_seqs, v_types, v_actors, v_subjects, v_payloads, v_ats, v_prevs, v_hashes)
                 as u (id, seq, type, actor, subject, payload, at, prev, hash);
          -- exactly the rows chained: one committed meanwhile with a lower n waits for the next seal
          delete from event_pending where n = any(v_ns);
          update event_streams set last_seq = v_seq, last_hash = v_hash where organization_id = v_org;
          v_left := v_left - cardinality(v_ns);
          return query select v_org, u.id, u.type, u.seq from unnest(v_ids, v_types, v_seqs) as u (id, type, seq);
        end loop;
      end
      $fn$`);
    this.addSql(`drop function gatehouse_append_events(uuid, timestamptz, jsonb)`);
    this.addSql('drop table event_outbox');
  }

  override down(): void {
    this.addSql(`do $$ begin while exists (select 1 from event_pending) loop perform gatehouse_seal_events(10000); end loop; end $$`);
    this.addSql(`
      create table event_outbox (
        id bigserial primary key,
        event_id uuid not null unique,
        organization_id uuid not null
      )`);
    this.addSql(APPEND_EVENTS_FUNCTION);
    this.addSql(APPEND_WITHOUT_NOTIFY);
    this.addSql('drop function gatehouse_seal_events(int)');
    this.addSql('drop table event_pending');
  }
}
