import { Client } from 'pg';
import { RelayWake, EVENTS_CHANNEL, OUTBOX_COALESCE_MAX_MS, OUTBOX_COALESCE_MS } from '../../../src/infrastructure/event-store/relay-wake';
import { UnitOfWork } from '../../../src/infrastructure/event-store/unit-of-work';
import { systemActor } from '../../../src/shared/actor';
import { auditCaughtUp, startTestApp, type TestApp } from '../../support/test-app';

const COMMANDS = 50;

/** A LISTENer on the relays' channel, counting what it hears. */
async function listen(databaseUrl: string): Promise<{ heard: () => number; end: () => Promise<void> }> {
  const client = new Client({ connectionString: databaseUrl });
  let heard = 0;
  client.on('notification', () => heard++);
  await client.connect();
  await client.query(`listen ${EVENTS_CHANNEL}`);
  return { heard: () => heard, end: () => client.end() };
}

function saveDashboard(t: TestApp, organizationId: string, n: number) {
  return t.app.get(UnitOfWork).run({ actor: systemActor(`wake-${n}`), organizationId }, async (context) => {
    context.record({ type: 'team.dashboard_saved', organizationId, subject: { type: 'team', id: null }, payload: { widgets: n } });
  });
}

describe(RelayWake.name, () => {
  describe('with a poll too slow to matter (what reaches the audit log came by a wake-up)', () => {
    let t: TestApp | undefined;
    let organizationId: string;

    beforeAll(async () => {
      t = await startTestApp({ overrides: { OUTBOX_POLL_INTERVAL_MS: '60000' } });
      organizationId = await t.env.organizationId();
      await auditCaughtUp(t.env, 'the bootstrap');
    });

    afterAll(async () => {
      await t?.close();
    });

    it('wakes the relays once a command committed: its event reaches the audit log at once', async () => {
      const listener = await listen(t!.config.databaseUrl);
      try {
        await saveDashboard(t!, organizationId, 0);
        await auditCaughtUp(t!.env, 'one command');
        expect(listener.heard()).toBeGreaterThanOrEqual(1);
      } finally {
        await listener.end();
      }
    });

    it(`wakes them for ${COMMANDS} concurrent commands with at most one notification each, and every event is projected`, async () => {
      const listener = await listen(t!.config.databaseUrl);
      try {
        const settled = await Promise.allSettled(Array.from({ length: COMMANDS }, (_, n) => saveDashboard(t!, organizationId, n)));
        expect(settled.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
        await auditCaughtUp(t!.env, `${COMMANDS} commands`);
        expect(await t!.env.scalar("select count(*) from audit_log where type = 'team.dashboard_saved'")).toBe(COMMANDS + 1);
        expect(listener.heard()).toBeGreaterThanOrEqual(1);
        expect(listener.heard()).toBeLessThanOrEqual(COMMANDS);
      } finally {
        await listener.end();
      }
    });

    it('lets a trickle of commands share notifications, at most one per OUTBOX_COALESCE_MS, and the last one still wakes the relays', async () => {
      const listener = await listen(t!.config.databaseUrl);
      try {
        const started = performance.now();
        for (let n = 0; n < 20; n++) await saveDashboard(t!, organizationId, 100 + n);
        const elapsed = performance.now() - started;
        // the commits after the first within the window wait for its end: under a 60 s poll,
        // the last event reaching the audit log shows that trailing notification was sent
        await auditCaughtUp(t!.env, 'a trickle of commands');
        expect(await t!.env.scalar("select count(*) from audit_log where type = 'team.dashboard_saved' and (payload->>'widgets')::int >= 100")).toBe(20);
        expect(listener.heard()).toBeGreaterThanOrEqual(1);
        expect(listener.heard()).toBeLessThanOrEqual(2 + elapsed / OUTBOX_COALESCE_MS);
      } finally {
        await listener.end();
      }
    });
  });

  it('loses nothing when the process dies between a commit and its wake-up: the relays\' poll finds the event', async () => {
    const t = await startTestApp();
    let listener: Awaited<ReturnType<typeof listen>> | undefined;
    try {
      const organizationId = await t.env.organizationId();
      await auditCaughtUp(t.env, 'the bootstrap');
      // the process "dies" after COMMIT: its wake-up never leaves
      jest.spyOn(t.app.get(RelayWake), 'wake').mockImplementation(() => undefined);
      // the bootstrap's last notification may still be due (a pass under way, then one at the
      // end of its window, each window at most OUTBOX_COALESCE_MAX_MS): listen after it went
      await new Promise((resolve) => setTimeout(resolve, 2 * OUTBOX_COALESCE_MAX_MS + 100));
      listener = await listen(t.config.databaseUrl);
      await saveDashboard(t, organizationId, 1);
      await auditCaughtUp(t.env, 'a command whose wake-up was lost');
      expect(listener.heard()).toBe(0);
    } finally {
      await listener?.end();
      await t.close();
    }
  });
});
