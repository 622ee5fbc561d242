import { Migration } from '@mikro-orm/migrations';

/**
 * `events` and `audit_log` become tables range-partitioned by `occurred_at` month (DESIGN.md:
 * "so retention drops partitions instead of deleting rows"), keeping every row.
 *
 * - Partitions are `<table>_pYYYYMM` (UTC months) and a `<table>_default` safety net, so an
 *   append never fails because the maintenance job fell behind. `gatehouse_ensure_month_partition`
 *   creates a month (idempotent, serialized by an advisory lock); rows that had landed in the
 *   default for that month are moved into it without a DELETE (the default is detached,
 *   replaced, its rows re-inserted through the parent and the old one dropped). It is
 *   SECURITY DEFINER: creating a partition takes the owner, which the application role need not be.
 * - A unique index on a partitioned table must include the partition key, so `events` keeps
 *   `primary key (id, occurred_at)` and each partition a unique `(organization_id, seq)` index
 *   of its own (a month never holds the same seq twice); across months seq stays unique because
 *   appends take the organization's stream-head row lock and move it by compare-and-set, and
 *   seq is in the hash chain that verify recomputes.
 * - The append-only triggers: the row triggers on the parent are cloned onto every partition;
 *   the TRUNCATE trigger is statement-level, not cloned, so each partition gets its own.
 * - `event_outbox.event_id` can no longer reference `events(id)` (not unique alone): the
 *   append writes both in one transaction.
 * - audit_log is rebuilt from its current definition (whatever columns earlier migrations
 *   added), its indexes recreated from pg_indexes, unique ones extended by `occurred_at`.
 */
export class Migration20261203000500_audit_partitioning extends Migration {
  override up(): void {
    this.addSql(`
      create function gatehouse_ensure_month_partition(parent text, month timestamptz) returns boolean
      language plpgsql security definer set search_path from current as $$
      declare
        lo timestamptz := date_trunc('month', month at time zone 'UTC') at time zone 'UTC';
        hi timestamptz := (date_trunc('month', month at time zone 'UTC') + interval '1 month') at time zone 'UTC';
        part text := parent || '_p' || to_char(month at time zone 'UTC', 'YYYYMM');
        def text := parent || '_default';
        moving boolean;
      begin
        if parent not in ('events', 'audit_log') then
          raise exception 'no partitioned table %', parent;
        end if;
        perform pg_advisory_xact_lock(hashtext('gatehouse_partitions'));
        if to_regclass(part) is not null then
          return false;
        end if;
        execute format('select exists (select 1 from %I where occurred_at >= %L and occurred_at < %L)', def, lo, hi) into moving;
        if moving then
          execute format('alter table %I detach partition %I', parent, def);
          execute format('alter table %I rename to %I', def, def || '_moving');
          execute format('create table %I partition of %I default', def, parent);
          if parent = 'events' then
            execute format('create unique index on %I (organization_id, seq)', def);
            execute format('create trigger events_no_truncate before truncate on %I for each statement execute function gatehouse_refuse_event_change()', def);
          end if;
        end if;
        execute format('create table %I partition of %I for values from (%L) to (%L)', part, parent, lo, hi);
        if parent = 'events' then
          execute format('create unique index on %I (organization_id, seq)', part);
          execute format('create trigger events_no_truncate before truncate on %I for each statement execute function gatehouse_refuse_event_change()', part);
        end if;
        if moving then
          execute format('insert into %I select * from %I', parent, def || '_moving');
          execute format('drop table %I', def || '_moving');
        end if;
        return true;
      end
      $$;

      -- events: the same columns, partitioned
      alter table event_outbox drop constraint if exists event_outbox_event_id_fkey;
      alter table events rename to events_unpartitioned;
      alter index events_pkey rename to events_unpartitioned_pkey;
      alter table events_unpartitioned rename constraint events_organization_id_seq_key to events_unpartitioned_org_seq_key;
      drop trigger events_append_only on events_unpartitioned;
      drop trigger events_no_truncate on events_unpartitioned;
      create table events (like events_unpartitioned including defaults including constraints) partition by range (occurred_at);
      alter table events add primary key (id, occurred_at);
      alter table events add constraint events_organization_id_fkey foreign key (organization_id) references organizations(id) deferrable initially deferred;
      create trigger events_append_only before update or delete on events
        for each row execute function gatehouse_refuse_event_change();
      create trigger events_no_truncate before truncate on events
        for each statement execute function gatehouse_refuse_event_change();
      create table events_default partition of events default;
      create unique index on events_default (organization_id, seq);
      create trigger events_no_truncate before truncate on events_default
        for each statement execute function gatehouse_refuse_event_change();

      -- audit_log: built from its present definition, so columns added before this migration come along
      alter table audit_log rename to audit_log_unpartitioned;
      create table audit_log (like audit_log_unpartitioned including defaults including constraints) partition by range (occurred_at);
      create table audit_log_default partition of audit_log default;

      do $$
      declare
        first_month timestamptz;
        m timestamptz;
      begin
        select least(
                 (select min(occurred_at) from events_unpartitioned),
                 (select min(occurred_at) from audit_log_unpartitioned),
                 now())
          into first_month;
        m := date_trunc('month', first_month at time zone 'UTC') at time zone 'UTC';
        -- every month that holds rows, the current one and the next
        while m < now() + interval '2 months' loop
          perform gatehouse_ensure_month_partition('events', m);
          perform gatehouse_ensure_month_partition('audit_log', m);
          m := (m at time zone 'UTC' + interval '1 month') at time zone 'UTC';
        end loop;
      end
      $$;

      insert into events select * from events_unpartitioned;
      insert into audit_log select * from audit_log_unpartitioned;

      do $$
      declare
        r record;
        keys text;
      begin
        for r in
          select i.indexname, i.indexdef, c.contype
            from pg_indexes i
            left join pg_constraint c on c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass
           where i.schemaname = current_schema() and i.tablename = 'audit_log_unpartitioned'
        loop
          execute format('alter index %I rename to %I', r.indexname, r.indexname || '_unpartitioned');
          if r.contype = 'p' then
            keys := substring(r.indexdef from 'USING \\w+ \\((.*)\\)$');
            execute format('alter table audit_log add constraint %I primary key (%s, occurred_at)', r.indexname, keys);
          elsif r.indexdef like 'CREATE UNIQUE INDEX %' and r.indexdef !~ 'occurred_at' then
            execute regexp_replace(
              regexp_replace(r.indexdef, ' ON (\\S+\\.){0,1}audit_log_unpartitioned ', ' ON \\1audit_log '),
              'USING (\\w+) \\(([^)]*)\\)', 'USING \\1 (\\2, occurred_at)');
          else
            execute regexp_replace(r.indexdef, ' ON (\\S+\\.){0,1}audit_log_unpartitioned ', ' ON \\1audit_log ');
          end if;
        end loop;
      end
      $$;

      drop table audit_log_unpartitioned;
      drop table events_unpartitioned;
      analyze events;
      analyze audit_log;
    `);
  }
}
