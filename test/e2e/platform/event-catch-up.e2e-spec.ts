import type { EntityManager } from '@mikro-orm/postgresql';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { AUDIT_QUEUE } from '../../../src/modules/audit/audit.constants';
import { EventCatchUp, type PositionedConsumer } from '../../../src/infrastructure/event-store/event-catch-up';
import type { StoredEvent } from '../../../src/infrastructure/event-store/event-hash';
import { eventually, startTestApp, type TestApp } from '../../support/test-app';

/** A consumer of every type that remembers what it was given, and fails while told to. */
class Probe implements PositionedConsumer {
  readonly name = 'test_probe';
  readonly types = null;
  failing = false;
  readonly seen: number[] = [];
  readonly inTransaction: boolean[] = [];

  async apply(tx: EntityManager, events: StoredEvent[]): Promise<void> {
    if (this.failing) throw new Error('the probe is failing');
    this.inTransaction.push(tx.isInTransaction());
    // what it writes through tx commits with its position: here, only a statement to prove tx works
    await tx.getConnection().execute('select 1', [], 'all', tx.getTransactionContext());
    this.seen.push(...events.map((event) => event.seq));
  }
}

/**
 * One shared catch-up pass feeds every consumer from one read of the new events; a consumer
 * that fails stalls only itself, and once it recovers it gets each event once.
 */
describe('the shared catch-up pass', () => {
  let t: TestApp;
  let token: string;
  const probe = new Probe();
  const head = () => t.env.scalar("select last_seq from event_streams s join organizations o on o.id = s.organization_id where o.slug = 'default'");
  const position = (name: string) =>
    // 0 until its first pass made the row
    t.env.scalar("select coalesce((select last_seq from projection_positions p join organizations o on o.id = p.organization_id where o.slug = 'default' and p.projection = $1), 0)", [name]);
  // every job the audit queue was ever handed (completed ones are kept)
  const auditJobs = async () => {
    const counts = await t.app.get<Queue>(getQueueToken(AUDIT_QUEUE), { strict: false }).getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  };
  // the head once everything is sealed and both consumers reached it: a pass may append (a security
  // alert) after the head was first read, and the head moves on
  const bothAtHead = () =>
    eventually(
      async () => {
        const at = await head();
        return (await position('test_probe')) === at && (await position('audit_log')) === at ? at : undefined;
      },
      10_000,
      'both at the head',
    );
  const rename = async (name: string) => expect((await t.api.request('PATCH', '/api/v1/me', { body: { name }, token })).status).toBe(200);

  beforeAll(async () => {
    t = await startTestApp();
    t.app.get(EventCatchUp).attach(probe);
    token = await t.adminToken();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('brings every consumer to the head together, inside the pass’s transaction', async () => {
    await rename('Shared Pass');
    const reached = await bothAtHead();
    const others = await t.env.scalar("select count(*) from projection_positions p join organizations o on o.id = p.organization_id where o.slug = 'default' and p.last_seq <> $1", [reached]);
    expect(others).toBe(0);
    expect(probe.inTransaction.every(Boolean)).toBe(true);
    expect(probe.seen).toEqual(Array.from({ length: reached }, (_, i) => i + 1));
  });

  it('hands BullMQ no job for the consumers its own pass brought to the head', async () => {
    const jobs = await auditJobs();
    await rename('No Job Needed');
    await bothAtHead();
    expect(await auditJobs()).toBe(jobs);
  });

  it('lets the others go on while one consumer fails, then gives it each event once', async () => {
    const before = await position('test_probe');
    const jobs = await auditJobs();
    probe.failing = true;
    await rename('While Failing');
    await rename('Still Failing');
    const reached = await head();
    await eventually(async () => ((await position('audit_log')) === reached ? true : undefined), 10_000, 'the audit log at the head');
    expect(await position('test_probe')).toBe(before);
    expect(await t.env.scalar('select count(*) from audit_log')).toBe(await t.env.scalar('select count(*) from events'));
    // the failed pass leaves a job to wake the queues again (with BullMQ's backoff), besides the poll
    await eventually(async () => ((await auditJobs()) > jobs ? true : undefined), 10_000, 'a job for the audit queue');

    probe.failing = false;
    await eventually(async () => ((await position('test_probe')) >= reached ? true : undefined), 10_000, 'the probe at the head');
    expect(new Set(probe.seen).size).toBe(probe.seen.length);
    expect(probe.seen.slice(-(reached - before))).toEqual(Array.from({ length: reached - before }, (_, i) => before + i + 1));
  });
});
