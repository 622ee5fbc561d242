import { randomUUID } from 'node:crypto';
import { Queue, Worker, type Job, type RedisOptions } from 'bullmq';
import { freePort, RedisServerProcess, stopAllProcesses } from '../../../test/support/app-process';
import type { AppConfig } from '../config/app-config';
import { closeWorker } from './close-worker';
import { redisOptions } from './redis-options';
import { RedisService } from './redis.service';

/** Polls until `check` holds, or fails after `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe(closeWorker.name, () => {
  const prefix = `{gh-e2e-${randomUUID()}}`;
  let redis: RedisServerProcess;
  let redisService: RedisService;
  let connection: RedisOptions;
  const workers: Worker[] = [];
  const closed = new Set<Worker>();
  const queues: Queue[] = [];

  function worker(name: string, processor: (job: Job) => Promise<unknown>, options: { connection?: RedisOptions; stalledInterval?: number } = {}): Worker {
    const started = new Worker(name, processor, { connection, prefix, lockDuration: 1000, ...options });
    started.on('error', () => undefined);
    started.on('closed', () => closed.add(started));
    workers.push(started);
    return started;
  }

  beforeEach(async () => {
    redis = new RedisServerProcess(await freePort());
    await redis.ready();
    connection = redisOptions(redis.url);
    redisService = new RedisService({ values: { redisUrl: redis.url, redisKeyPrefix: prefix } } as unknown as AppConfig);
  });

  afterEach(async () => {
    for (const queue of queues.splice(0)) await queue.close();
    for (const started of workers.splice(0)) await started.close(true);
    await redisService.onApplicationShutdown();
    await stopAllProcesses();
  });

  it('closes a worker right after a Redis restart, while its connections still wait out their reconnect back-off', async () => {
    // a back-off longer than the test (BullMQ's own grew to 20 s over the first ten seconds of an outage)
    const sut = worker('restart', () => Promise.resolve(), { connection: { ...connection, retryStrategy: () => 60_000 } });
    await sut.waitUntilReady();
    const blocking = await sut.getBackend().blockingClient!;

    await redis.kill();
    await until(() => blocking.status === 'reconnecting', 5000, 'the blocking connection to lose Redis');
    redis = new RedisServerProcess(redis.port);
    await redis.ready();
    await until(() => redisService.ping(200), 5000, 'Redis to answer again');
    expect(blocking.status).toBe('reconnecting');

    // it waited forever for the blocking connection's `end`
    await closeWorker(sut, redisService);
    expect(closed.has(sut)).toBe(true);
    expect(blocking.status).toBe('end');
    // @nestjs/bullmq closes every worker once more at shutdown
    await sut.close();
  }, 15_000);

  it('finishes the job in hand before closing', async () => {
    let began = false;
    let finished = false;
    const sut = worker('in-hand', async () => {
      began = true;
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished = true;
    });
    const queue = new Queue('in-hand', { connection, prefix });
    queues.push(queue);
    const job = await queue.add('work', {});
    await until(() => began, 5000, 'the job to start');

    await closeWorker(sut, redisService);
    expect(finished).toBe(true);
    expect(await job.getState()).toBe('completed');
  });

  it('abandons a worker whose job does not finish in time, and another worker does that job once it is seen stalled', async () => {
    let began = false;
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    // every worker of a queue takes turns at the stalled-job check, one check per stalledInterval
    const sut = worker(
      'stuck',
      async () => {
        began = true;
        await stuck;
      },
      { stalledInterval: 500 },
    );
    const queue = new Queue('stuck', { connection, prefix });
    queues.push(queue);
    const job = await queue.add('work', { n: 1 });
    await until(() => began, 5000, 'the job to start');

    await closeWorker(sut, redisService, 500);
    expect(closed.has(sut)).toBe(true);

    const done: unknown[] = [];
    worker('stuck', (next) => Promise.resolve(done.push(next.data)), { stalledInterval: 500 });
    await until(async () => (await job.getState()) === 'completed', 10_000, 'the stalled job to be done by the other worker');
    expect(done).toEqual([{ n: 1 }]);
    release();
  }, 20_000);
});
