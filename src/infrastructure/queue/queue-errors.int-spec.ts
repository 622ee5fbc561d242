import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { BullModule, Processor, WorkerHost } from '@nestjs/bullmq';
import { freePort, RedisServerProcess, stopAllProcesses } from '../../../test/support/app-process';
import { redisOptions } from './redis-options';
import { QueueErrors } from './queue-errors';

@Processor('watched')
class WatchedProcessor extends WorkerHost {
  process(): Promise<void> {
    return Promise.resolve();
  }
}

describe(QueueErrors.name, () => {
  afterEach(() => stopAllProcesses());

  it('turns the queues’ and workers’ failed reconnects during an outage into one warning, not console.error', async () => {
    const port = await freePort();
    const redis = new RedisServerProcess(port);
    await redis.ready();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const module = await Test.createTestingModule({
      imports: [
        DiscoveryModule,
        BullModule.forRoot({ connection: { ...redisOptions(redis.url), retryStrategy: () => 100 }, prefix: `{gh-e2e-${randomUUID()}}` }),
        BullModule.registerQueue({ name: 'watched' }),
      ],
      providers: [WatchedProcessor, QueueErrors],
    }).compile();
    const app = await module.init();
    try {
      await app.get(WatchedProcessor).worker.waitUntilReady();
      await redis.kill();
      // the queue's and the worker's connections each try again every 100 ms
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const reports = warn.mock.calls.map(([message]) => String(message)).filter((message) => message.startsWith('queue watched cannot reach Redis'));
      expect(reports).toHaveLength(1);
      expect(printed).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      printed.mockRestore();
      // a worker closes once Redis answers (its close waits for the blocking connection)
      await new RedisServerProcess(port).ready();
      await app.close();
    }
  }, 20_000);
});
