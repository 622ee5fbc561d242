import { Injectable } from '@nestjs/common';

/**
 * The queues that receive every committed event. Modules that react to events register
 * their queue here; the event store itself knows no module.
 */
@Injectable()
export class EventConsumers {
  private readonly queues = new Set<string>();

  register(queueName: string): void {
    this.queues.add(queueName);
  }

  list(): string[] {
    return [...this.queues];
  }
}

export interface EventJob {
  eventId: string;
  organizationId: string;
  type: string;
  seq: number;
}
