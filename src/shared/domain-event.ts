import type { EventPayloads, EventType } from './event-catalogue';

/**
 * A fact a command establishes; the event store gives it id, seq, actor, time and hash.
 * A union over the catalogue's types: the payload is checked against the type's declaration.
 */
export type DomainEvent = {
  [T in EventType]: {
    type: T;
    organizationId: string;
    subject: { type: string; id: string | null };
    payload: EventPayloads[T];
  };
}[EventType];

/** One declared type's event. */
export type DomainEventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;
interface Recorded {
  order: number;
  event: DomainEvent;
}

const pending = new WeakMap<object, Recorded[]>();
let order = 0;

/**
 * Aggregates record events as they change; the unit of work pulls them after the flush and
 * appends them in the same transaction, in the order they were recorded.
 */
export function recordEvent(aggregate: object, event: DomainEvent): void {
  const list = pending.get(aggregate) ?? [];
  list.push({ order: order++, event });
  pending.set(aggregate, list);
}

export function pullEvents(aggregate: object): Recorded[] {
  const list = pending.get(aggregate) ?? [];
  pending.delete(aggregate);
  return list;
}

export function nextEventOrder(): number {
  return order++;
}
