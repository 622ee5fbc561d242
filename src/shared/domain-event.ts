/** A fact a command establishes; the event store gives it id, seq, actor, time and hash. */
export interface DomainEvent {
  type: string;
  organizationId: string;
  subject: { type: string; id: string | null };
  payload: Record<string, unknown>;
}

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
