import type { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import type { RedisService } from '../../../infrastructure/queue/redis.service';
import { Clock } from '../../../shared/clock';
import { DEFAULT_POLICY } from '../domain/policy-document';
import { PolicyStore } from './policy-store';

class FakeClock extends Clock {
  constructor(public at = new Date('2026-12-02T09:00:00Z')) {
    super();
  }

  now(): Date {
    return this.at;
  }
}

function setup() {
  const clock = new FakeClock();
  let version = 1;
  let pending: ((row: unknown) => void) | null = null;
  const reads = { count: 0, hold: false };
  const findOne = jest.fn(async () => {
    reads.count++;
    const row = { document: { ...DEFAULT_POLICY, ssoOnly: version > 1 }, version };
    if (!reads.hold) return row;
    return new Promise((resolve) => (pending = () => resolve(row)));
  });
  const uow = { reader: () => ({ findOne }) } as unknown as UnitOfWork;
  const published: string[] = [];
  const redis = { key: (...parts: string[]) => parts.join(':'), client: { publish: async (_channel: string, message: string) => published.push(message) } } as unknown as RedisService;
  const sut = new PolicyStore(uow, redis, clock);
  return { sut, clock, reads, published, bump: () => version++, release: () => pending?.(null) };
}

describe(PolicyStore.name, () => {
  it('reads an organization’s policy once and serves it from memory after', async () => {
    const { sut, reads } = setup();
    const first = await sut.get('org-1');
    expect(await sut.get('org-1')).toBe(first);
    expect(reads.count).toBe(1);
    expect(Object.isFrozen(first.document.ipAllowlist)).toBe(true);
  });

  it('reads again after a change here, and tells the other instances', async () => {
    const { sut, reads, published, bump } = setup();
    await sut.get('org-1');
    bump();
    await sut.changed('org-1');
    expect((await sut.get('org-1')).version).toBe(2);
    expect(reads.count).toBe(2);
    expect(published).toEqual(['org-1']);
  });

  it('does not keep what a read fetched while a change was being announced', async () => {
    const { sut, reads, release } = setup();
    reads.hold = true;
    const racing = sut.get('org-1');
    await sut.changed('org-1');
    release();
    await racing;
    reads.hold = false;
    await sut.get('org-1');
    expect(reads.count).toBe(2);
  });

  it('reads again after a minute, should a change message have been lost', async () => {
    const { sut, reads, clock } = setup();
    await sut.get('org-1');
    clock.at = new Date(clock.at.getTime() + 61_000);
    await sut.get('org-1');
    expect(reads.count).toBe(2);
  });
});
