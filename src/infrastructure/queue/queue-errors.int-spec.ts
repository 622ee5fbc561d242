import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { BullModule, Processor, WorkerHost } from '@nestjs/bullmq';
import { ManagedProcess, stopAllProcesses } from '../../../test/support/app-process';
import { QueueErrors } from './queue-errors';

/**
 * A redis-server on a unix socket of its own: while it is down no other test (they run in
 * parallel, on ports freePort hands out) can take its address, so it comes back where it was.
 */
class SocketRedis extends ManagedProcess {
  constructor(readonly path: string) {
    super('redis-server', ['--port', '0', '--unixsocket', path, '--save', '', '--appendonly', 'no']);
  }

  ready(): Promise<unknown> {
    return this.waitForOutput(/ready to accept connections/i, 10_000);
  }
}

@Processor('watched')
class WatchedProcessor extends WorkerHost {
  process(): Promise<void> {
    return Promise.resolve();
  }
}

describe(QueueErrors.name, () => {
  afterEach(() => stopAllProcesses());

  it('turns the queues’ and workers’ failed reconnects during an outage into one warning, not console.error', async () => {
    const path = join(tmpdir(), `gh-queue-errors-${randomUUID()}.sock`);
    const redis = new SocketRedis(path);
    await redis.ready();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const module = await Test.createTestingModule({
      imports: [
        DiscoveryModule,
        BullModule.forRoot({ connection: { path, maxRetriesPerRequest: null, retryStrategy: () => 100 }, prefix: `{gh-e2e-${randomUUID()}}` }),
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
      await new SocketRedis(path).ready();
      await app.close();
    }
  }, 20_000);
});
