-- On a database Gatehouse migrated and bootstrapped (its default organization and members, e.g. a
-- bench run's): 7 more organizations with one user and a stream head each, and bench_targets
-- mapping pgbench's 8 clients to (organization, user): 'one' = 8 users of the default
-- organization, 'spread' = one organization each.
create table bench_targets (mode text, i int, org uuid, uid uuid);
insert into bench_targets
  select 'one', (row_number() over (order by u.email))::int - 1, u.organization_id, u.id
    from users u join organizations o on o.id = u.organization_id and o.slug = 'default'
   order by u.email limit 8;
insert into organizations (id, slug, name, created_at, updated_at)
  select gen_random_uuid(), 'bench-bound-' || i, 'Bench bound ' || i, now(), now() from generate_series(1, 7) i;
insert into event_streams (organization_id, last_seq, last_hash)
  select id, 0, repeat('0', 64) from organizations where slug like 'bench-bound-%';
insert into users (id, organization_id, email, email_normalized, name, role, status, created_at, updated_at)
  select gen_random_uuid(), id, slug || '@example.com', slug || '@example.com', slug, 'Viewer', 'active', now(), now()
    from organizations where slug like 'bench-bound-%';
insert into bench_targets select 'spread', 0, org, uid from bench_targets where mode = 'one' and i = 0;
insert into bench_targets
  select 'spread', (row_number() over (order by o.slug))::int, o.id, u.id
    from organizations o join users u on u.organization_id = o.id where o.slug like 'bench-bound-%';
create table bench_plain_audit (id uuid not null, organization_id uuid not null, type text not null, actor jsonb not null,
  subject jsonb not null, payload jsonb not null, occurred_at timestamptz not null);
