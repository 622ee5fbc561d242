import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { verifyChain } from '../../../../test/support/chain';
import { TestEnvironment } from '../../../../test/support/test-env';
import { GENESIS_HASH, hashEvent } from '../../event-store/event-hash';
import { ensureDatabase, migrate, migrationsOrm } from '../prepare-database';
import { MIGRATIONS } from './index';

const PARTITIONING = 'Migration20261203000500_audit_partitioning';

async function migrateUpTo(databaseUrl: string, last: string): Promise<void> {
  const orm = await migrationsOrm(databaseUrl);
  try {
    await orm.getMigrator().up({ to: last });
  } finally {
    await orm.close(true);
  }
}

const monthName = (at: Date) => `${at.getUTCFullYear()}${String(at.getUTCMonth() + 1).padStart(2, '0')}`;

/** Appends a hash-chained event the way the store does, straight into the table (a database from before the migration). */
async function seedEvents(sql: Client, organizationId: string, times: string[]): Promise<void> {
  let prevHash = GENESIS_HASH;
  let seq = 0;
  for (const occurredAt of times) {
    seq += 1;
    const unhashed = {
      id: randomUUID(),
      organizationId,
      seq,
      type: 'test.seeded',
      actor: { type: 'system' as const, id: null, ip: null, userAgent: null, requestId: null },
      subject: { type: 'test', id: null },
      payload: { n: seq },
      occurredAt,
      prevHash,
    };
    const hash = hashEvent(unhashed);
    await sql.query(
      `insert into events (id, organization_id, seq, type, actor, subject, payload, occurred_at, prev_hash, hash)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [unhashed.id, organizationId, seq, unhashed.type, unhashed.actor, unhashed.subject, unhashed.payload, occurredAt, prevHash, hash],
    );
    prevHash = hash;
  }
  await sql.query('insert into event_streams (organization_id, last_seq, last_hash) values ($1, $2, $3)', [organizationId, seq, prevHash]);
  await sql.query(
    `insert into audit_log (event_id, organization_id, seq, type, category, outcome, actor_type, actor_id, actor_ip, subject_type, subject_id, payload, occurred_at)
     select e.id, e.organization_id, e.seq, e.type, split_part(e.type, '.', 1), 'success', e.actor->>'type', e.actor->>'id', e.actor->>'ip', e.subject->>'type', e.subject->>'id', e.payload, e.occurred_at
       from events e where e.organization_id = $1`,
    [organizationId],
  );
}

describe(PARTITIONING, () => {
  const env = new TestEnvironment();
  let sql: Client;
  const organizations = [randomUUID(), randomUUID()];
  const now = new Date();
  const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15, 12));
  const times = ['2025-06-30T23:59:59.999Z', '2025-07-01T00:00:00.000Z', lastMonth.toISOString(), lastMonth.toISOString(), now.toISOString()];
  let eventsBefore: unknown[];
  let auditBefore: unknown[];

  beforeAll(async () => {
    await ensureDatabase(env.databaseUrl);
    const previous = MIGRATIONS[MIGRATIONS.findIndex((m) => m.name === PARTITIONING) - 1].name;
    await migrateUpTo(env.databaseUrl, previous);
    sql = await env.sql();
    for (const [n, id] of organizations.entries()) {
      await sql.query('insert into organizations (id, slug, name, created_at, updated_at) values ($1, $2, $2, now(), now())', [id, `org-${n}`]);
      await seedEvents(sql, id, times);
    }
    eventsBefore = (await sql.query('select * from events order by organization_id, seq')).rows;
    auditBefore = (await sql.query('select * from audit_log order by organization_id, seq')).rows;
    await migrate(env.databaseUrl);
  });

  afterAll(async () => {
    await sql?.end();
    await env.remove();
  });

  it('keeps every event and audit_log row as it was, and the chains still verify', async () => {
    expect((await sql.query('select * from events order by organization_id, seq')).rows).toEqual(eventsBefore);
    expect((await sql.query('select * from audit_log order by organization_id, seq')).rows).toEqual(auditBefore);
    for (const id of organizations) expect(await verifyChain(sql, id)).toEqual({ valid: true, checked: times.length, firstBrokenSeq: null });
  });

  it('partitions both tables by month: a partition per month that holds rows, the current and the next, and an empty default', async () => {
    const { rows } = await sql.query<{ relname: string }>(
      `select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'events'::regclass order by 1`,
    );
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    expect(rows.map((r) => r.relname)).toEqual(
      expect.arrayContaining(['events_p202506', 'events_p202507', `events_p${monthName(lastMonth)}`, `events_p${monthName(now)}`, `events_p${monthName(next)}`, 'events_default']),
    );
    const placed = await sql.query<{ part: string; seq: string }>(
      'select tableoid::regclass::text as part, seq from audit_log where organization_id = $1 order by seq',
      [organizations[0]],
    );
    expect(placed.rows.map((r) => r.part)).toEqual(['audit_log_p202506', 'audit_log_p202507', `audit_log_p${monthName(lastMonth)}`, `audit_log_p${monthName(lastMonth)}`, `audit_log_p${monthName(now)}`]);
    expect(Number((await sql.query('select count(*) from events_default')).rows[0].count)).toBe(0);
    const kinds = await sql.query<{ relname: string; relkind: string }>("select relname, relkind from pg_class where relname in ('events', 'audit_log') order by 1");
    expect(kinds.rows).toEqual([
      { relname: 'audit_log', relkind: 'p' },
      { relname: 'events', relkind: 'p' },
    ]);
  });

  it('recreates the audit_log indexes under their names, the primary key extended by the partition key', async () => {
    const { rows } = await sql.query<{ indexname: string; indexdef: string }>("select indexname, indexdef from pg_indexes where tablename = 'audit_log' order by 1");
    expect(rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining(['audit_log_pkey', 'audit_log_org_seq', 'audit_log_org_type', 'audit_log_org_actor', 'audit_log_org_subject', 'audit_log_org_time']),
    );
    expect(rows.find((r) => r.indexname === 'audit_log_pkey')!.indexdef).toMatch(/\(event_id, occurred_at\)/);
    // the projector's idempotent insert keeps working
    const [row] = (await sql.query('select * from audit_log limit 1')).rows as Record<string, unknown>[];
    const inserted = await sql.query(
      `insert into audit_log select * from audit_log where event_id = $1 on conflict (event_id, occurred_at) do nothing`,
      [row.event_id],
    );
    expect(inserted.rowCount).toBe(0);
  });

  it('routes a row to the partition of its month, and moves rows that landed in the default into their month when it is created', async () => {
    const organizationId = randomUUID();
    await sql.query("insert into organizations (id, slug, name, created_at, updated_at) values ($1, 'later', 'later', now(), now())", [organizationId]);
    await seedEvents(sql, organizationId, ['2031-03-04T05:06:07.089Z', '2031-03-31T23:59:59.999Z', '2031-04-01T00:00:00.000Z']);
    const where = async () =>
      (await sql.query<{ part: string }>('select tableoid::regclass::text as part from events where organization_id = $1 order by seq', [organizationId])).rows.map((r) => r.part);
    expect(await where()).toEqual(['events_default', 'events_default', 'events_default']);

    const created = await sql.query<{ created: boolean }>("select gatehouse_ensure_month_partition('events', '2031-03-15T00:00:00Z') as created");
    expect(created.rows[0].created).toBe(true);
    expect(await where()).toEqual(['events_p203103', 'events_p203103', 'events_default']);
    // a second call (another replica, the next run) changes nothing
    expect((await sql.query("select gatehouse_ensure_month_partition('events', '2031-03-01T00:00:00Z') as created")).rows[0].created).toBe(false);
    expect(await verifyChain(sql, organizationId)).toMatchObject({ valid: true, checked: 3 });
    // the moved month keeps its guards
    await expect(sql.query('truncate events_p203103')).rejects.toThrow(/append-only/);
    await expect(sql.query('delete from events_p203103')).rejects.toThrow(/append-only/);
    await expect(sql.query("update events_default set payload = '{}'")).rejects.toThrow(/append-only/);
  });

  it('refuses a second event with the same organization and seq, and every change to a partition', async () => {
    const { rows } = await sql.query<Record<string, unknown>>('select * from events where organization_id = $1 and seq = 3', [organizations[0]]);
    const copy: Record<string, unknown> = { ...rows[0], id: randomUUID() };
    const columns = Object.keys(copy);
    await expect(
      sql.query(
        `insert into events (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        columns.map((c) => (c === 'actor' || c === 'subject' || c === 'payload' ? JSON.stringify(copy[c]) : copy[c])),
      ),
    ).rejects.toThrow(/duplicate key value violates unique constraint/);
    const part = `events_p${monthName(now)}`;
    await expect(sql.query(`truncate ${part}`)).rejects.toThrow(/append-only/);
    await expect(sql.query(`delete from ${part}`)).rejects.toThrow(/append-only/);
    await expect(sql.query('truncate events cascade')).rejects.toThrow(/append-only/);
  });
});
