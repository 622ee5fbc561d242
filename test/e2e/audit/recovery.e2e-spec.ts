import { AppProcess, freePort, RedisServerProcess, stopAllProcesses } from '../../support/app-process';
import { SmtpSink } from '../../support/smtp-sink';
import { eventually } from '../../support/test-app';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TestEnvironment } from '../../support/test-env';

/**
 * API and worker as separate processes, 24 clients writing, a worker SIGKILLed in the middle
 * of its work and Redis killed and started empty (no persistence): every committed event is
 * projected exactly once and every mail is sent.
 */
describe('recovery from lost workers and a Redis that lost everything', () => {
  const env = new TestEnvironment();
  let redis: RedisServerProcess;
  let redisPort: number;
  let smtp: SmtpSink;
  let api: AppProcess;
  let worker: AppProcess;

  const processEnv = async (role: 'api' | 'worker') =>
    env.env({ APP_ROLE: role, PORT: String(await freePort()), REDIS_URL: redis.url, SMTP_URL: smtp.url });

  async function startRedis(): Promise<void> {
    redis = new RedisServerProcess(redisPort);
    await redis.ready();
  }

  async function startWorker(): Promise<void> {
    worker = new AppProcess(await processEnv('worker'));
    await worker.listening();
  }

  beforeAll(async () => {
    redisPort = await freePort();
    await startRedis();
    smtp = await SmtpSink.start();
    api = new AppProcess(await processEnv('api'));
    await api.listening();
    await startWorker();
  });

  afterAll(async () => {
    try {
      await stopAllProcesses();
      await smtp?.close();
      await startRedis().catch(() => undefined);
      await env.remove(redis.url);
    } finally {
      await stopAllProcesses();
    }
  });

  it('projects every event exactly once and sends every mail', async () => {
    const token = await api.api.login('default', ADMIN_EMAIL, ADMIN_PASSWORD);
    const invited: string[] = [];
    let writing = true;
    let sequence = 0;
    const client = async (): Promise<void> => {
      while (writing) {
        const email = `person${sequence++}@recovery.example`;
        const response = await api.api.post('/api/v1/invitations', { email, role: 'Viewer' }, token).catch(() => null);
        if (response?.status === 201) invited.push(email);
      }
    };
    const clients = Array.from({ length: 24 }, () => client());

    // each phase lasts until the clients committed more invitations in it, not a fixed time
    const moreInvited = (count: number, what: string) => {
      const target = invited.length + count;
      return eventually(async () => (invited.length >= target ? true : undefined), 20_000, what);
    };
    await moreInvited(40, 'the first invitations');
    await worker.kill(); // in the middle of its batches
    await startWorker();
    await moreInvited(10, 'invitations with the new worker');
    await redis.kill();
    await moreInvited(10, 'invitations while Redis is down'); // commands go on committing meanwhile
    await startRedis(); // empty: every job it held is gone
    await moreInvited(10, 'invitations after Redis came back empty');
    writing = false;
    await Promise.all(clients);
    expect(invited.length).toBeGreaterThan(60);

    await eventually(
      async () => ((await env.scalar("select count(*) from mail_outbox where status = 'pending'")) === 0 ? true : undefined),
      45_000,
      'every mail to be settled',
    );
    expect(await env.scalar("select count(*) from mail_outbox where status <> 'sent'")).toBe(0);
    const delivered = new Set(smtp.received.flatMap((mail) => mail.envelopeTo));
    expect(invited.filter((email) => !delivered.has(email))).toEqual([]);
    // sent events: one per mail, whatever was delivered twice
    expect(await env.scalar("select count(*) from events where type = 'invitation.sent'")).toBe(
      await env.scalar('select count(*) from mail_outbox'),
    );

    // the mails' outcome events were the last writes: now the projection must hold every event once
    const lagging = () =>
      env.scalar(`select count(*) from event_streams s
                   left join projection_positions p on p.organization_id = s.organization_id and p.projection = 'audit_log'
                  where s.last_seq <> coalesce(p.last_seq, 0)`);
    await eventually(async () => ((await lagging()) === 0 ? true : undefined), 30_000, 'the audit projection to reach the head');
    expect(await env.scalar('select count(*) from audit_log')).toBe(await env.scalar('select count(*) from events'));
    expect(
      await env.scalar('select count(*) from events e where not exists (select 1 from audit_log a where a.event_id = e.id and a.seq = e.seq)'),
    ).toBe(0);

  });

  it('stops on SIGTERM even when it started while Redis was unreachable', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const lonely = new AppProcess(env.env({ APP_ROLE: 'all', PORT: String(await freePort()), REDIS_URL: deadRedis }));
    await lonely.listening(60_000);
    const started = Date.now();
    const exit = await lonely.stop(15_000);
    // Nest ends itself with the signal once its shutdown hooks ran; a hang would be SIGKILLed at 15 s
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(lonely.stderr()).not.toMatch(/timed out|ELIFECYCLE/);
  });
});
