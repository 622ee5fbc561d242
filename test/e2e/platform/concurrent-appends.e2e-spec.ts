import { EntityManager } from '@mikro-orm/postgresql';
import { EventStore } from '../../../src/infrastructure/event-store/event-store';
import { UnitOfWork } from '../../../src/infrastructure/event-store/unit-of-work';
import { GENESIS_HASH } from '../../../src/infrastructure/event-store/event-hash';
import { systemActor } from '../../../src/shared/actor';
import { startTestApp, type TestApp } from '../../support/test-app';

const APPENDS = 50;

describe('the event store under concurrent appends and seals', () => {
  let t: TestApp | undefined;
  let organizationId: string;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp();
    // signed in first, so the count below includes the sign-in's own event
    token = await t.adminToken();
    organizationId = await t.env.organizationId();
  });

  afterAll(async () => {
    await t?.close();
  });

  /** The organization's sealed chain in seq order (the query waits until nothing is pending). */
  async function chain(organization: string): Promise<{ id: string; seq: number }[]> {
    const sql = await t!.env.sql();
    try {
      const { rows } = await sql.query<{ id: string; seq: string }>('select id, seq from events where organization_id = $1 order by seq', [organization]);
      return rows.map((row) => ({ id: row.id, seq: Number(row.seq) }));
    } finally {
      await sql.end();
    }
  }

  async function expectVerified(total: number): Promise<void> {
    const verify = await t!.api.get('/api/v1/audit/verify', token);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ valid: true, checked: total, firstBrokenSeq: null });
  }

  it(`gives ${APPENDS} concurrent appends in one organization a gap-free seq and an intact hash chain`, async () => {
    const uow = t!.app.get(UnitOfWork);
    // allSettled: every append has ended before anything is asserted
    const settled = await Promise.allSettled(
      Array.from({ length: APPENDS }, (_, n) =>
        uow.run({ actor: systemActor(`concurrent-${n}`), organizationId }, async (context) => {
          context.record({
            type: 'team.dashboard_saved',
            organizationId,
            subject: { type: 'team', id: null },
            payload: { widgets: n },
          });
          return n;
        }),
      ),
    );
    expect(settled.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    const results = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    expect(results.map((r) => r.events.length)).toEqual(Array.from({ length: APPENDS }, () => 1));
    expect(new Set(results.map((r) => r.events[0].id)).size).toBe(APPENDS);

    const sql = await t!.env.sql();
    let total: number;
    try {
      const { rows } = await sql.query<{ seq: string; prev_hash: string; expected_prev: string | null; type: string }>(
        `select seq, prev_hash, type, lag(hash) over (order by seq) as expected_prev
           from events where organization_id = $1 order by seq`,
        [organizationId],
      );
      total = rows.length;
      // every event sealed (the query waited for nothing to be pending)
      expect(rows.filter((row) => row.type === 'team.dashboard_saved')).toHaveLength(APPENDS);
      // exactly 1..N: no gap, no duplicate
      expect(rows.map((row) => Number(row.seq))).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      // each event links to the one before it, the first to the genesis hash
      expect(rows.filter((row) => row.prev_hash !== (row.expected_prev ?? GENESIS_HASH)).map((row) => row.seq)).toEqual([]);
      const head = await sql.query<{ last_seq: string }>('select last_seq from event_streams where organization_id = $1', [organizationId]);
      expect(Number(head.rows[0].last_seq)).toBe(total);
    } finally {
      await sql.end();
    }

    const verify = await t!.api.get('/api/v1/audit/verify', token);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ valid: true, checked: total, firstBrokenSeq: null });
  });

  it('never chains an event twice nor skips one when several sealers run at once', async () => {
    const uow = t!.app.get(UnitOfWork);
    const store = t!.app.get(EventStore);
    const em = t!.app.get(EntityManager);
    const commands = Array.from({ length: APPENDS * 2 }, (_, n) =>
      uow.run({ actor: systemActor(`sealed-${n}`), organizationId }, async (context) => {
        context.record({ type: 'team.dashboard_saved', organizationId, subject: { type: 'team', id: null }, payload: { widgets: 1000 + n } });
      }),
    );
    // four sealers of this process beside the worker's relay, in small batches, while the commands commit
    const sealedHere: string[] = [];
    let committed = false;
    const all = Promise.all(commands).finally(() => (committed = true));
    const sealers = Array.from({ length: 4 }, async () => {
      for (;;) {
        const done = committed;
        const sealed = await store.seal(em.fork(), 3);
        sealedHere.push(...sealed.map((event) => event.id));
        if (done && !sealed.length) return;
      }
    });
    const ids = (await all).map((outcome) => outcome.events[0].id);
    await Promise.all(sealers);
    expect(new Set(sealedHere).size).toBe(sealedHere.length);
    const rows = await chain(organizationId);
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
    expect(rows.filter((row) => ids.includes(row.id))).toHaveLength(ids.length);
    expect(await t!.env.scalar('select count(*) from event_pending')).toBe(0);
    await expectVerified(rows.length);
  });

  it('loses nothing when a sealer dies mid-seal: its transaction rolls back and the next pass seals', async () => {
    const uow = t!.app.get(UnitOfWork);
    const doomed = await t!.env.sql();
    doomed.on('error', () => undefined);
    const before = (await chain(organizationId)).length;
    try {
      await doomed.query('begin');
      // the worker is sealing on its own; these commands leave rows it cannot seal while the doomed sealer holds the head
      await doomed.query('select 1 from event_streams where organization_id = $1 for update', [organizationId]);
      const ids = await Promise.all(
        Array.from({ length: 5 }, (_, n) =>
          uow.run({ actor: systemActor(`doomed-${n}`), organizationId }, async (context) => {
            context.record({ type: 'team.dashboard_saved', organizationId, subject: { type: 'team', id: null }, payload: { widgets: 2000 + n } });
          }),
        ),
      ).then((outcomes) => outcomes.map((outcome) => outcome.events[0].id));
      const { rows: sealed } = await doomed.query<{ o_id: string }>('select o_id from gatehouse_seal_events(1000)');
      expect(sealed.map((row) => row.o_id).sort()).toEqual([...ids].sort());
      // the process dies mid-seal: its connection goes, its transaction with it
      const killer = await t!.env.sql();
      try {
        await killer.query('select pg_terminate_backend($1)', [(doomed as unknown as { processID: number }).processID]);
      } finally {
        await killer.end();
      }
      const rows = await chain(organizationId);
      expect(rows.filter((row) => ids.includes(row.id))).toHaveLength(ids.length);
      expect(rows).toHaveLength(before + ids.length);
      await expectVerified(rows.length);
    } finally {
      await doomed.end().catch(() => undefined);
    }
  });

  it.each([
    ['UPDATE', "update events set payload = '{}'"],
    ['DELETE', 'delete from events'],
    ['TRUNCATE', 'truncate events cascade'],
  ])('refuses %s on the events table, even for the database superuser', async (_verb, statement) => {
    const sql = await t!.env.sql();
    try {
      const before = await sql.query<{ count: string }>('select count(*) from events');
      await expect(sql.query(statement)).rejects.toThrow(/append-only/);
      const after = await sql.query<{ count: string }>('select count(*) from events');
      expect(after.rows[0].count).toBe(before.rows[0].count);
      expect(Number(after.rows[0].count)).toBeGreaterThan(0);
    } finally {
      await sql.end();
    }
  });
});
