import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from 'pg';
import { verifyChain } from '../../../../test/support/chain';
import { TestEnvironment } from '../../../../test/support/test-env';
import { canonicalPieces } from '../../event-store/event-hash';
import { ensureDatabase, migrate, migrationsOrm } from '../prepare-database';

const SEALER = 'Migration20261203005000_event_sealer';

async function migrator<T>(databaseUrl: string, work: (m: ReturnType<MikroORM['getMigrator']>) => Promise<T>): Promise<T> {
  const orm = await migrationsOrm(databaseUrl);
  try {
    return await work(orm.getMigrator());
  } finally {
    await orm.close(true);
  }
}

/** Writes events unchained the way EventStore.append does, one statement. */
async function pend(sql: Client, organizationId: string, count: number, from = 0): Promise<void> {
  for (let n = from; n < from + count; n++) {
    const occurredAt = new Date(Date.UTC(2026, 11, 2, 12, 0, 0, n)).toISOString();
    const event = {
      id: randomUUID(),
      organizationId,
      type: 'test.pending',
      actor: { type: 'system' as const, id: null, ip: null, userAgent: 'a "quoted" agent', requestId: null },
      subject: { type: 'test', id: null },
      payload: { n, text: 'ünï ☃', huge: 1e21, fraction: 1.5 },
      occurredAt,
    };
    const pieces = canonicalPieces(event);
    await sql.query(
      `insert into event_pending (id, organization_id, type, actor, subject, payload, occurred_at, prefix, middle, suffix)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [event.id, organizationId, event.type, event.actor, event.subject, event.payload, occurredAt, pieces.prefix, pieces.middle, pieces.suffix],
    );
  }
}

describe(SEALER, () => {
  const env = new TestEnvironment();
  const organizations = [randomUUID(), randomUUID(), randomUUID()];
  let sql: Client;

  beforeAll(async () => {
    await ensureDatabase(env.databaseUrl);
    await migrate(env.databaseUrl);
    sql = await env.sql();
    for (const [n, id] of organizations.entries()) {
      await sql.query('insert into organizations (id, slug, name, created_at, updated_at) values ($1, $2, $2, now(), now())', [id, `org-${n}`]);
    }
  });

  afterAll(async () => {
    await sql?.end();
    await env.remove();
  });

  it('chains pending events per organization (creating the head) with the hash the verifier computes, in batches', async () => {
    await pend(sql, organizations[0], 7);
    await pend(sql, organizations[1], 3);
    const first = await sql.query<{ o_organization_id: string; o_seq: string }>('select * from gatehouse_seal_events(5)');
    expect(first.rows).toHaveLength(5);
    const rest = await sql.query('select * from gatehouse_seal_events(100)');
    expect(rest.rows).toHaveLength(5);
    expect((await sql.query('select * from gatehouse_seal_events(100)')).rows).toEqual([]);
    expect(await verifyChain(sql, organizations[0])).toEqual({ valid: true, checked: 7, firstBrokenSeq: null });
    expect(await verifyChain(sql, organizations[1])).toEqual({ valid: true, checked: 3, firstBrokenSeq: null });
    const { rows: heads } = await sql.query<{ last_seq: string }>('select last_seq from event_streams where organization_id = any($1::uuid[]) order by last_seq', [organizations]);
    expect(heads.map((h) => Number(h.last_seq))).toEqual([3, 7]);
    expect(Number((await sql.query<{ count: string }>('select count(*) from event_pending')).rows[0].count)).toBe(0);
  });

  it('reads about the rows it chains from a large backlog, whatever plan its session cached while the queue was small', async () => {
    // a worker's session: the seal's statements planned (generically) while it sealed commands a
    // few at a time, then a backlog arrives on a queue analyzed while it was small (Migration20261203007000)
    const session = await env.sql();
    try {
      await session.query('set plan_cache_mode = force_generic_plan');
      await pend(session, organizations[2], 3);
      expect((await session.query('select * from gatehouse_seal_events(500)')).rows).toHaveLength(3);
      await session.query(
        `insert into event_pending (id, organization_id, type, actor, subject, payload, occurred_at, prefix, middle, suffix)
         select gen_random_uuid(), $1, 'test.pending', '{"type":"system"}', '{"type":"test"}', '{}', now(), '{"prevHash":"', '","seq":', '}'
           from generate_series(1, 20000)`,
        [organizations[2]],
      );
      await session.query('begin');
      const sealed = await session.query<{ o_seq: string }>('select * from gatehouse_seal_events(500)');
      expect(sealed.rows.map((row) => Number(row.o_seq))).toEqual(Array.from({ length: 500 }, (_, i) => 4 + i));
      const { rows } = await session.query<{ read: string }>(
        `select pg_stat_get_xact_tuples_returned('event_pending'::regclass) + pg_stat_get_xact_tuples_returned('event_pending_pkey'::regclass)
                + pg_stat_get_xact_tuples_returned('event_pending_organization'::regclass) as read`,
      );
      await session.query('commit');
      // the batch's read, its deletion and the organizations' lookup: about 3 × 500 (over 20,000 when
      // the read sorted the organization's whole backlog or the deletion filtered it)
      expect(Number(rows[0].read)).toBeLessThan(2000);
    } finally {
      await session.query('delete from event_pending where organization_id = $1', [organizations[2]]);
      await session.end();
    }
  });

  it('seals what is pending on the way down, restores the outbox and the in-command append, and comes back up', async () => {
    await pend(sql, organizations[0], 4, 100);
    await migrator(env.databaseUrl, (m) => m.down({ to: 'Migration20261203004000_append_wakes_after_commit' }));
    expect(await verifyChain(sql, organizations[0])).toEqual({ valid: true, checked: 11, firstBrokenSeq: null });
    const { rows } = await sql.query<{ outbox: boolean; pending: boolean; append: boolean }>(
      `select to_regclass('event_outbox') is not null as outbox, to_regclass('event_pending') is not null as pending,
              to_regprocedure('gatehouse_append_events(uuid, timestamptz, jsonb)') is not null as append`,
    );
    expect(rows[0]).toEqual({ outbox: true, pending: false, append: true });
    await migrator(env.databaseUrl, (m) => m.up());
    await pend(sql, organizations[0], 1, 200);
    expect((await sql.query('select * from gatehouse_seal_events(100)')).rows).toHaveLength(1);
    expect(await verifyChain(sql, organizations[0])).toEqual({ valid: true, checked: 12, firstBrokenSeq: null });
  });
});
