import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Client } from 'pg';
import { Clock } from '../../../src/shared/clock';
import { systemActor } from '../../../src/shared/actor';
import { CreateOrganizationCommand, UpdateOrganizationCommand } from '../../../src/modules/organizations';
import { AuditLogRebuild, EventStorePrune, RetentionRun, VerifyChainQuery } from '../../../src/modules/audit';
import { CreateCheckpointCommand } from '../../../src/modules/audit/commands/create-checkpoint/create-checkpoint.command';
import { eventually, startTestApp, type TestApp } from '../../support/test-app';

const DAY_MS = 86_400_000;
const BATCH_ROWS = 7;

/**
 * Retention of the read models per organization, and the operator's prune of the event store
 * past it. Time moves by shifting the application's one injected clock forward: every event
 * written before the shift is then older than any retention.
 */
describe('audit retention and the event store past it', () => {
  let t: TestApp;
  let token: string;
  let sql: Client;
  let orgA: string;
  let orgB: string;
  let shift = 0;

  const verify = (organizationId: string) => t.app.get(QueryBus).execute(new VerifyChainQuery(organizationId, {}));
  const scalar = async (query: string, params: unknown[] = []) => Number(Object.values((await sql.query(query, params)).rows[0] as object)[0]);

  /** Everything committed is sealed and every projection has caught up. */
  const settled = (what: string) =>
    eventually(
      async () =>
        (await scalar('select count(*) from event_pending')) === 0 &&
        (await scalar('select count(*) from event_streams s join projection_positions p on p.organization_id = s.organization_id where p.last_seq < s.last_seq')) === 0
          ? true
          : undefined,
      10_000,
      what,
    );

  /** What only the database's superuser could do: change the append-only table behind the triggers. */
  async function asSuperuser(statements: (db: Client) => Promise<unknown>): Promise<void> {
    await sql.query('begin');
    try {
      await sql.query('set local session_replication_role = replica');
      await statements(sql);
      await sql.query('commit');
    } catch (error) {
      await sql.query('rollback');
      throw error;
    }
  }

  beforeAll(async () => {
    // small batches: the seed's rows go in several transactions, each with its event
    t = await startTestApp({ overrides: { AUDIT_RETENTION_BATCH_ROWS: String(BATCH_ROWS) } });
    token = await t.adminToken();
    sql = await t.env.sql();
    orgA = (await sql.query<{ id: string }>("select id from organizations where slug = 'default'")).rows[0].id;
    orgB = (await t.app.get(CommandBus).execute(new CreateOrganizationCommand('Other', 'other', 'it@other.example', systemActor(), { sendInvitation: false }))).id;
    for (let i = 0; i < 5; i += 1) await t.api.post('/api/v1/invitations', { email: `kept${i}@example.com`, role: 'Viewer' }, token);
    const clock = t.app.get(Clock);
    clock.now = () => new Date(Date.now() + shift);
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
  });

  it('refuses a retention out of bounds with a 400 naming settings.auditRetentionDays', async () => {
    for (const days of [5, 29, 3651, 45.5, 'ninety', true]) {
      const response = await t.api.request<{ errors: { field: string }[] }>('PATCH', '/api/v1/organization', { token, body: { settings: { auditRetentionDays: days } } });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(response.body.errors.map((e) => e.field)).toContain('settings.auditRetentionDays');
    }
    const unknown = await t.api.request<{ errors: { field: string }[] }>('PATCH', '/api/v1/organization', { token, body: { settings: { keepForever: true } } });
    expect(unknown.status).toBe(400);
    expect((await t.api.get<{ settings: unknown }>('/api/v1/organization', token)).body.settings).toEqual({ auditRetentionDays: null });
  });

  it('sets the retention through PATCH /organization, recording organization.updated with before and after; a stale If-Match is 412', async () => {
    const read = await t.api.get<{ version: number }>('/api/v1/organization', token);
    const etag = read.headers.get('etag')!;
    const changed = await t.api.request<{ settings: { auditRetentionDays: number }; version: number }>('PATCH', '/api/v1/organization', {
      token,
      body: { settings: { auditRetentionDays: 90 } },
      headers: { 'if-match': etag },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.settings).toEqual({ auditRetentionDays: 90 });
    expect(changed.headers.get('etag')).toBe(`"${changed.body.version}"`);
    const { rows } = await sql.query<{ payload: unknown }>("select payload from events where organization_id = $1 and type = 'organization.updated'", [orgA]);
    expect(rows).toEqual([{ payload: expect.objectContaining({ changed: ['auditRetentionDays'], before: { auditRetentionDays: null }, after: { auditRetentionDays: 90 } }) }]);
    const stale = await t.api.request('PATCH', '/api/v1/organization', { token, body: { settings: { auditRetentionDays: 60 } }, headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
  });

  it("creates the months ahead, then removes one organization's expired read-model rows and not another's, after signing the chain at the last event before the boundary", async () => {
    await settled('the seed');
    const lastA = await scalar('select last_seq from event_streams where organization_id = $1', [orgA]);
    const rowsB = await scalar('select count(*) from audit_log where organization_id = $1', [orgB]);
    const rowsA = await scalar('select count(*) from audit_log where organization_id = $1', [orgA]);
    expect(rowsA).toBe(lastA);
    expect(rowsB).toBeGreaterThan(0);

    shift = 200 * DAY_MS;
    const outcomes = await t.app.get(RetentionRun).runOnce();
    const boundary = new Date(Date.now() + shift - 90 * DAY_MS);
    // the pass created the months ahead of its (shifted) present first
    const shifted = new Date(Date.now() + shift);
    for (let ahead = 0; ahead <= 2; ahead += 1) {
      const month = new Date(Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth() + ahead, 1)).toISOString().slice(0, 7).replace('-', '');
      expect(await scalar("select count(*) from pg_class where relname in ($1, $2) and relispartition", [`events_p${month}`, `audit_log_p${month}`])).toBe(2);
    }
    expect(outcomes).toEqual([expect.objectContaining({ organizationId: orgA, checkpointSeq: lastA, deleted: expect.objectContaining({ audit_log: rowsA }) })]);
    // every read model registered for retention is trimmed, not audit_log alone
    for (const table of ['login_history', 'permission_changes']) {
      expect(await scalar(`select count(*) from ${table} where organization_id = $1 and occurred_at < $2`, [orgA, boundary])).toBe(0);
    }
    expect(await scalar('select count(*) from audit_log where organization_id = $1 and occurred_at < $2', [orgA, boundary])).toBe(0);
    expect(await scalar('select count(*) from audit_log where organization_id = $1', [orgB])).toBe(rowsB);

    // the boundary is signed before anything goes: its event comes first in the chain
    const checkpoint = (await sql.query('select seq, hash from audit_checkpoints where organization_id = $1 and reason = $2', [orgA, 'retention'])).rows;
    const atBoundary = (await sql.query('select hash from events where organization_id = $1 and seq = $2', [orgA, lastA])).rows[0] as { hash: string };
    expect(checkpoint).toEqual([{ seq: String(lastA), hash: atBoundary.hash }]);
    const after = (await sql.query<{ type: string; payload: Record<string, unknown> }>('select type, payload from events where organization_id = $1 and seq > $2 order by seq', [orgA, lastA])).rows;
    // the checkpoint, then one audit.retention_applied a batch, what each removed adding up
    expect(after[0].type).toBe('audit.checkpoint_signed');
    const batches = after.slice(1);
    expect(batches.length).toBeGreaterThanOrEqual(Math.ceil(rowsA / BATCH_ROWS) > 1 ? 2 : 1);
    expect(new Set(batches.map((e) => e.type))).toEqual(new Set(['audit.retention_applied']));
    for (const batch of batches) expect(batch.payload).toMatchObject({ retentionDays: 90, checkpointSeq: lastA });
    expect(batches.reduce((sum, e) => sum + ((e.payload.deleted as Record<string, number>).audit_log ?? 0), 0)).toBe(rowsA);
    expect(await verify(orgA)).toMatchObject({ valid: true, firstBrokenSeq: null });

    // a rebuild does not bring back what retention removed
    await settled('the retention events');
    await t.app.get(AuditLogRebuild).run();
    expect(await scalar('select count(*) from audit_log where organization_id = $1 and occurred_at < $2', [orgA, boundary])).toBe(0);
    expect(await scalar('select count(*) from audit_log where organization_id = $1', [orgB])).toBe(rowsB);
  });

  it("drops a month of events only once every organization's retention has passed it, and what remains still verifies", async () => {
    await settled('the retention events');
    const month = (await sql.query<{ part: string }>('select distinct tableoid::regclass::text as part from events where organization_id = $1 and seq = 1', [orgA])).rows[0].part;
    const refused = await t.app.get(EventStorePrune).run();
    expect(refused[0]).toMatchObject({ partition: month, dropped: false, reason: `organization ${orgB} keeps its trail forever` });
    expect(await scalar('select count(*) from pg_class where relname = $1', [month])).toBe(1);

    await t.app.get(CommandBus).execute(new UpdateOrganizationCommand(orgB, { auditRetentionDays: 30 }, undefined, systemActor()));
    await t.app.get(RetentionRun).runOnce();
    await settled('the second retention');
    const lastBefore = new Map<string, number>();
    for (const id of [orgA, orgB]) lastBefore.set(id, await scalar(`select max(seq) from ${month} where organization_id = $1`, [id]));

    const steps = await t.app.get(EventStorePrune).run();
    expect(steps[0]).toMatchObject({ partition: month, dropped: true });
    expect(steps.at(-1)).toMatchObject({ dropped: false, reason: 'the month is not over' });
    expect(await scalar('select count(*) from pg_class where relname = $1', [month])).toBe(0);

    for (const id of [orgA, orgB]) {
      const first = await scalar('select min(seq) from events where organization_id = $1', [id]);
      expect(first).toBe(lastBefore.get(id)! + 1);
      // the first remaining event is anchored on the retention checkpoint signed at the last one dropped
      const anchor = (await sql.query('select hash from audit_checkpoints where organization_id = $1 and seq = $2 and reason = $3', [id, first - 1, 'retention'])).rows[0] as { hash: string };
      const prev = (await sql.query('select prev_hash from events where organization_id = $1 and seq = $2', [id, first])).rows[0] as { prev_hash: string };
      expect(prev.prev_hash).toBe(anchor.hash);
      const remaining = await scalar('select count(*) from events where organization_id = $1', [id]);
      expect(await verify(id)).toMatchObject({ valid: true, checked: remaining, firstBrokenSeq: null });
    }
  });

  it('still names an altered or a deleted event of the remainder, and a truncation', async () => {
    const first = await scalar('select min(seq) from events where organization_id = $1', [orgA]);
    await asSuperuser((db) => db.query(`update events set payload = payload || '{"x":1}' where organization_id = $1 and seq = $2`, [orgA, first + 1]));
    expect(await verify(orgA)).toMatchObject({ valid: false, firstBrokenSeq: first + 1 });
    await asSuperuser((db) => db.query(`update events set payload = payload - 'x' where organization_id = $1 and seq = $2`, [orgA, first + 1]));
    expect(await verify(orgA)).toMatchObject({ valid: true });

    // the oldest remaining event removed: nothing signed accounts for it
    const { rows } = await sql.query<Record<string, unknown>>('select * from events where organization_id = $1 and seq = $2', [orgA, first]);
    await asSuperuser((db) => db.query('delete from events where organization_id = $1 and seq = $2', [orgA, first]));
    expect(await verify(orgA)).toMatchObject({ valid: false, firstBrokenSeq: first });
    const columns = Object.keys(rows[0]);
    await asSuperuser((db) =>
      db.query(
        `insert into events (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        columns.map((c) => (['actor', 'subject', 'payload'].includes(c) ? JSON.stringify(rows[0][c]) : rows[0][c])),
      ),
    );
    expect(await verify(orgA)).toMatchObject({ valid: true });

    // cut from the end, stream head moved back to match: the last checkpoint still knows
    const signed = await t.app.get(CommandBus).execute(new CreateCheckpointCommand(systemActor(), orgA, 'on_demand'));
    const keep = signed!.seq - 1;
    const { hash } = (await sql.query<{ hash: string }>('select hash from events where organization_id = $1 and seq = $2', [orgA, keep])).rows[0];
    await asSuperuser(async (db) => {
      await db.query('delete from events where organization_id = $1 and seq > $2', [orgA, keep]);
      await db.query('update event_streams set last_seq = $1, last_hash = $2 where organization_id = $3', [keep, hash, orgA]);
    });
    expect(await verify(orgA)).toMatchObject({ valid: false, firstBrokenSeq: keep + 1 });
  });
});
