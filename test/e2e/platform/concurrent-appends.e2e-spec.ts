import { UnitOfWork } from '../../../src/infrastructure/event-store/unit-of-work';
import { GENESIS_HASH } from '../../../src/infrastructure/event-store/event-hash';
import { systemActor } from '../../../src/shared/actor';
import { startTestApp, type TestApp } from '../../support/test-app';

const APPENDS = 50;

describe('the event store under concurrent appends', () => {
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
    const appendedSeqs = results.map((r) => r.events[0].seq);
    expect(new Set(appendedSeqs).size).toBe(APPENDS);

    const sql = await t!.env.sql();
    let total: number;
    try {
      const { rows } = await sql.query<{ seq: string; prev_hash: string; expected_prev: string | null; type: string }>(
        `select seq, prev_hash, type, lag(hash) over (order by seq) as expected_prev
           from events where organization_id = $1 order by seq`,
        [organizationId],
      );
      total = rows.length;
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
