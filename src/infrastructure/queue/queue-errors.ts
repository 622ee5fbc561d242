import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import { Queue, type Worker } from 'bullmq';

/** How often a Redis outage is reported again while the queues' connections keep failing. */
export const REPORT_EVERY_MS = 60_000;

interface ErrorSource {
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** What tells that a connection is up again (a queue's or worker's backend: 'ready' on each reconnect). */
interface ReadySource {
  on(event: 'ready', listener: () => void): unknown;
}

/**
 * What the queues' and workers' connections report while Redis is away. BullMQ prints each
 * failed attempt of a queue or worker that has no `error` listener with console.error: every
 * connection once a second or two for the whole outage, unstructured, beside the JSON log. Here
 * the first failure is one warning, and the failures after it are counted into one warning a
 * minute while they go on; the first connection back ends the outage with one line that counts
 * them, so an outage soon after is reported at once. Commands and jobs report their own
 * failures where they happen.
 */
export class QueueErrorLog {
  private reportedAt: number | null = null;
  private unreported = 0;

  constructor(
    private readonly logger: Pick<Logger, 'warn' | 'log'>,
    private readonly now: () => number = Date.now,
  ) {}

  watch(name: string, source: ErrorSource, connection?: ReadySource): void {
    source.on('error', (error) => this.failed(name, error));
    connection?.on('ready', () => this.reached(name));
  }

  private reached(name: string): void {
    if (this.reportedAt === null) return;
    this.logger.log(`queue ${name} reaches Redis again${this.sinceLastReport()}`);
    this.reportedAt = null;
  }

  private failed(name: string, error: Error): void {
    const now = this.now();
    if (this.reportedAt !== null && now - this.reportedAt < REPORT_EVERY_MS) {
      this.unreported++;
      return;
    }
    this.logger.warn(`queue ${name} cannot reach Redis: ${error.message}; retrying${this.sinceLastReport()}`);
    this.reportedAt = now;
  }

  /** The failures counted since the last report, for the next line, and the count started again. */
  private sinceLastReport(): string {
    const counted = this.unreported;
    this.unreported = 0;
    return counted ? ` (${counted} more connection errors since the last report)` : '';
  }
}

/** Watches every BullMQ queue and worker of the application (found among its providers once they exist). */
@Injectable()
export class QueueErrors implements OnApplicationBootstrap {
  private readonly log = new QueueErrorLog(new Logger('Queues'));

  constructor(private readonly discovery: DiscoveryService) {}

  onApplicationBootstrap(): void {
    for (const { instance } of this.discovery.getProviders()) {
      if (instance instanceof Queue) this.log.watch(instance.name, instance, instance.getBackend() as ReadySource);
      else if (instance instanceof WorkerHost) {
        const worker = workerOf(instance as WorkerHost);
        if (worker) this.log.watch(worker.name, worker, worker.getBackend());
      }
    }
  }
}

/** A processor's worker, once @nestjs/bullmq registered it (its getter throws before). */
function workerOf(host: WorkerHost): Worker | null {
  try {
    return host.worker;
  } catch {
    return null;
  }
}
