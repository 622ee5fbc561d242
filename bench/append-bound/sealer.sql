-- A PROTOTYPE for pgbench (bench/append-bound/run-sealer.sh), not used by Gatehouse: the command's transaction writes its event
-- unchained into event_pending (no stream head, so commands of one organization group-commit),
-- and one sealer per organization chains what has committed in batches, in one transaction:
-- the head locked, seq/prev_hash/hash assigned in pending order, the events inserted into
-- `events` (still append-only), the pending rows deleted, the head moved.
create table if not exists event_pending (
  n bigserial primary key, id uuid not null, organization_id uuid not null, type text not null, actor jsonb not null,
  subject jsonb not null, payload jsonb not null, occurred_at timestamptz not null,
  prefix text not null, middle text not null, suffix text not null);
create index if not exists event_pending_organization on event_pending (organization_id, n);
create or replace function gatehouse_seal(p_organization_id uuid, p_limit int) returns int language plpgsql as $fn$
declare
  v_seq bigint;
  v_hash text;
  e record;
  v_sealed bigint[] := '{}';
begin
  select s.last_seq, s.last_hash into v_seq, v_hash from event_streams s where s.organization_id = p_organization_id for update;
  for e in select * from event_pending p where p.organization_id = p_organization_id order by p.n limit p_limit loop
    v_seq := v_seq + 1;
    insert into events (id, organization_id, seq, type, actor, subject, payload, occurred_at, prev_hash, hash)
    values (e.id, p_organization_id, v_seq, e.type, e.actor, e.subject, e.payload, e.occurred_at, v_hash,
            encode(sha256(convert_to(e.prefix || v_hash || e.middle || v_seq::text || e.suffix, 'UTF8')), 'hex'))
    returning hash into v_hash;
    v_sealed := v_sealed || e.n;
  end loop;
  if cardinality(v_sealed) > 0 then
    -- exactly the rows chained: one that committed meanwhile with a lower n waits for the next batch
    delete from event_pending where n = any(v_sealed);
    update event_streams set last_seq = v_seq, last_hash = v_hash where organization_id = p_organization_id;
  end if;
  return cardinality(v_sealed);
end $fn$;
