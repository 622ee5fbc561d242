import { Injectable } from '@nestjs/common';
import type { EventType } from '../../shared/event-catalogue';

/**
 * The queues that receive every committed event. Modules that react to events register
 * their queue here; the event store itself knows no module.
 */
@Injectable()
export class EventConsumers {
  private readonly queues = new Map<string, Set<string> | null>();

  /** `types` limits the queue to those event types; without it the queue gets every event. */
  register(queueName: string, types?: readonly EventType[]): void {
    this.queues.set(queueName, types ? new Set(types) : null);
  }

  list(): string[] {
    return [...this.queues.keys()];
  }

  wants(queueName: string, eventType: string): boolean {
    const types = this.queues.get(queueName);
    return types === undefined ? false : types === null || types.has(eventType);
  }
}

export interface EventJob {
  eventId: string;
  organizationId: string;
  type: string;
  seq: number;
}
