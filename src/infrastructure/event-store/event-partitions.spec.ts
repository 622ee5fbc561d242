import { monthStart } from './event-partitions';

describe(monthStart.name, () => {
  it('answers the first instant of a UTC month, across year ends and whatever the hour', () => {
    expect(monthStart(new Date('2026-12-31T23:59:59.999Z')).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(monthStart(new Date('2026-12-31T23:59:59.999Z'), 1).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(monthStart(new Date('2027-01-01T00:00:00.000Z'), -1).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(monthStart(new Date('2026-11-15T12:00:00.000Z'), 14).toISOString()).toBe('2028-01-01T00:00:00.000Z');
  });
});
