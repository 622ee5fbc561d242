import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import { HttpDurations } from './http-durations';
import { EventConsumers } from '../event-store/event-consumers';
import { OutboxRelay } from '../event-store/outbox-relay';

/** Prometheus metrics of this process: HTTP latency, queue depth, outbox backlog, projection lag. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new HttpDurations();

  readonly projectionLag = new Histogram({
    name: 'gatehouse_projection_lag_seconds',
    help: 'Time from an event being committed to its projection into a read model',
    labelNames: ['projection'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly eventsProjected = new Counter({
    name: 'gatehouse_events_projected_total',
    help: 'Events projected into read models',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  /** One request's latency. */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe(method, route, status, seconds);
  }

  constructor(consumers: EventConsumers, relay: OutboxRelay, moduleRef: ModuleRef) {
    this.registry.registerMetric(this.httpDuration as unknown as Metric);
    collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_' });
    new Gauge({
      name: 'gatehouse_queue_jobs',
      help: 'BullMQ jobs by queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        for (const name of consumers.list()) {
          const queue = moduleRef.get<Queue>(getQueueToken(name), { strict: false });
          const counts = await Promise.race([
            queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
            new Promise<Record<string, number>>((resolve) => setTimeout(() => resolve({}), 500).unref()),
          ]).catch(() => ({}));
          for (const [state, count] of Object.entries(counts)) this.set({ queue: name, state }, count);
        }
      },
    });
    new Gauge({
      name: 'gatehouse_outbox_backlog',
      help: 'Committed events not yet sealed into the chain (and handed to their consumers)',
      registers: [this.registry],
      async collect() {
        this.set(await relay.backlog().catch(() => -1));
      },
    });
  }
}
