import { lastCompleteWeek, weekOf } from './weekly-digest';

describe('the weekly digest’s weeks', () => {
  it('runs from Monday 00:00 UTC to the next Monday', () => {
    // Thursday 3 December 2026
    const week = weekOf(new Date('2026-12-03T12:00:00Z'));
    expect(week.start.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(week.end.toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(weekOf(new Date('2026-11-30T00:00:00Z')).start.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(weekOf(new Date('2026-12-06T23:59:59Z')).start.toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('tells of the last week that is over, across a year’s end', () => {
    expect(lastCompleteWeek(new Date('2026-12-03T12:00:00Z')).start.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(lastCompleteWeek(new Date('2026-11-30T00:00:00Z')).start.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(lastCompleteWeek(new Date('2027-01-01T08:00:00Z'))).toEqual({ start: new Date('2026-12-21T00:00:00Z'), end: new Date('2026-12-28T00:00:00Z') });
  });
});
