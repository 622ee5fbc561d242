import { Logger } from '@nestjs/common';
import { freePort, RedisServerProcess, stopAllProcesses } from '../../support/app-process';
import { auditCaughtUp, eventually, startTestApp, type TestApp } from '../../support/test-app';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../../support/test-env';

interface AuditPage {
  items: { id: string; seq: number; type: string }[];
  nextCursor: string | null;
}

describe('a Redis outage', () => {
  let redisPort: number;
  let redis: RedisServerProcess;
  let t: TestApp | undefined;

  async function startRedis(): Promise<void> {
    redis = new RedisServerProcess(redisPort);
    await redis.ready();
  }


  beforeAll(async () => {
    redisPort = await freePort();
    await startRedis();
    t = await startTestApp({ overrides: { REDIS_URL: redis.url } });
  });

  afterAll(async () => {
    try {
      // the test environment's removal scans this Redis for its keys: it must be up
      if (redis.hasExited()) await startRedis();
      await t?.close();
    } finally {
      await stopAllProcesses();
    }
  });

  it('lets sign-in go on while Redis is down, and projects the events exactly once when it is back', async () => {
    const token = await t!.adminToken();
    // everything so far reaches the audit log, so the pipeline works before the outage
    await auditCaughtUp(t!.env, 'before the outage');

    const warn = jest.spyOn(Logger.prototype, 'warn');
    const printed = jest.spyOn(console, 'error');
    await redis.kill();

    const login = await t!.api.post<{ accessToken: string }>('/api/v1/auth/login', {
      organization: 'default',
      email: ADMIN_EMAIL,
      password: ADMIN_PASSWORD,
    });
    expect(login.status).toBe(200);
    expect(login.body.accessToken).toEqual(expect.any(String));

    // the command committed its event; no job could be enqueued, yet the projection reads on
    // from its position in the store (woken by the relay here, which needs no job for it)
    const sql = await t!.env.sql();
    let eventId: string;
    try {
      const { rows } = await sql.query<{ id: string }>(
        "select id from events where type = 'auth.login_succeeded' order by seq desc limit 1",
      );
      eventId = rows[0].id;
    } finally {
      await sql.end();
    }
    await eventually(
      async () => ((await t!.env.scalar('select count(*) as value from audit_log where event_id = $1', [eventId])) === 1 ? true : undefined),
      10_000,
      'the login projected while Redis is down',
    );

    // the queues' and workers' failed reconnects: one warning for them all, not a console.error each
    const reports = () => warn.mock.calls.map(([message]) => String(message)).filter((message) => /^queue \S+ cannot reach Redis/.test(message));
    // BullMQ's connections try again after 1 s, then every 2 s
    await eventually(async () => (reports().length ? true : undefined), 5000, 'the outage reported');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(reports()).toHaveLength(1);
    expect(printed).not.toHaveBeenCalled();
    warn.mockRestore();
    printed.mockRestore();

    const ready = await t!.api.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ checks: { postgres: 'up', redis: 'down' } });

    const logged = jest.spyOn(Logger.prototype, 'log');
    await startRedis();
    // the first connection back ends the outage in the log (a next outage is then reported at once)
    await eventually(
      async () => (logged.mock.calls.some(([message]) => /^queue \S+ reaches Redis again/.test(String(message))) ? true : undefined),
      10_000,
      'the recovery reported',
    );
    logged.mockRestore();

    const projected = await eventually(
      async () => {
        const page = await t!.api.get<AuditPage>('/api/v1/audit/events?type=auth.login_succeeded&limit=200', token);
        const matches = page.body.items.filter((item) => item.id === eventId);
        return matches.length ? matches : undefined;
      },
      20_000,
      'the login during the outage in /audit/events',
    );
    expect(projected).toHaveLength(1);

    await eventually(
      async () => ((await t!.env.scalar('select count(*) as value from event_pending')) === 0 ? true : undefined),
      10_000,
      'every event sealed after the outage',
    );
    expect(await t!.env.scalar('select count(*) as value from audit_log where event_id = $1', [eventId])).toBe(1);
    expect(
      await t!.env.scalar('select count(*) as value from (select event_id from audit_log group by event_id having count(*) > 1) d'),
    ).toBe(0);
    const counts = async () => ({
      auditLog: await t!.env.scalar('select count(*) as value from audit_log'),
      events: await t!.env.scalar('select count(*) as value from events'),
    });
    await eventually(async () => {
      const { auditLog, events } = await counts();
      return auditLog === events ? true : undefined;
    }, 10_000, 'every event in the audit log');
    const { auditLog, events } = await counts();
    expect(auditLog).toBe(events);

    const readyAgain = await eventually(
      async () => {
        const response = await t!.api.get('/health/ready');
        return response.status === 200 ? response : undefined;
      },
      10_000,
      '/health/ready to recover',
    );
    expect(readyAgain.body).toMatchObject({ status: 'ok' });
  });

  it('shuts down right after Redis restarts, its workers still in their reconnect back-off, without abandoning one', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    await redis.kill();
    // long enough for every BullMQ connection's back-off to reach its longest wait (MAX_QUEUE_RECONNECT_DELAY_MS)
    await new Promise((resolve) => setTimeout(resolve, 5000));
    await startRedis();
    await eventually(
      async () => ((await t!.api.get('/health/ready')).status === 200 ? true : undefined),
      10_000,
      '/health/ready after the restart',
    );

    // it hung here: a worker whose blocking connection was in its back-off waited forever for its end
    await t!.close();
    t = undefined;
    expect(warn.mock.calls.filter(([message]) => String(message).includes('abandoned'))).toEqual([]);
    warn.mockRestore();
  }, 30_000);
});
