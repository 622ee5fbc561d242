import { applicableWindows, isInsideWindow, localTime, nextOpening, zonedInstant, type AccessWindow } from './access-windows';

const at = (iso: string) => new Date(iso);
const officeHours: AccessWindow = { timezone: 'Europe/Berlin', days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' };

describe('access windows', () => {
  it('reads local time and the ISO weekday in the window’s zone', () => {
    // given Wednesday 2 December 2026, 15:00 UTC
    const instant = at('2026-12-02T15:00:00Z');
    expect(localTime(instant, 'Europe/Berlin')).toEqual({ year: 2026, month: 12, day: 2, isoWeekday: 3, minutes: 16 * 60 });
    expect(localTime(instant, 'Asia/Tokyo')).toMatchObject({ day: 3, isoWeekday: 4, minutes: 0 });
    expect(localTime(instant, 'America/New_York')).toMatchObject({ isoWeekday: 3, minutes: 10 * 60 });
  });

  it('opens on listed days between start and end, end excluded', () => {
    expect(isInsideWindow(officeHours, at('2026-12-02T07:00:00Z'))).toBe(true); // Wed 08:00 Berlin
    expect(isInsideWindow(officeHours, at('2026-12-02T06:59:00Z'))).toBe(false); // Wed 07:59
    expect(isInsideWindow(officeHours, at('2026-12-02T17:00:00Z'))).toBe(false); // Wed 18:00
    expect(isInsideWindow(officeHours, at('2026-12-05T10:00:00Z'))).toBe(false); // Saturday
  });

  it('judges one instant by each window’s own time zone', () => {
    // when it is 15:00 UTC on a Wednesday: 10:00 in New York, 00:00 Thursday in Tokyo
    const instant = at('2026-12-02T15:00:00Z');
    expect(isInsideWindow({ ...officeHours, timezone: 'America/New_York', start: '09:00', end: '17:00' }, instant)).toBe(true);
    expect(isInsideWindow({ ...officeHours, timezone: 'Asia/Tokyo', start: '09:00', end: '17:00' }, instant)).toBe(false);
  });

  it('runs a window whose end is before its start across midnight, from the listed day into the next', () => {
    const fridayNight: AccessWindow = { timezone: 'Europe/Berlin', days: [5], start: '22:00', end: '06:00' };
    expect(isInsideWindow(fridayNight, at('2026-12-04T21:00:00Z'))).toBe(true); // Fri 22:00
    expect(isInsideWindow(fridayNight, at('2026-12-05T02:00:00Z'))).toBe(true); // Sat 03:00
    expect(isInsideWindow(fridayNight, at('2026-12-05T05:00:00Z'))).toBe(false); // Sat 06:00
    expect(isInsideWindow(fridayNight, at('2026-12-04T20:59:00Z'))).toBe(false); // Fri 21:59
    expect(isInsideWindow(fridayNight, at('2026-12-03T22:00:00Z'))).toBe(false); // Thu 23:00
    // Sunday night into Monday wraps the week
    const sundayNight: AccessWindow = { ...fridayNight, days: [7] };
    expect(isInsideWindow(sundayNight, at('2026-12-07T01:00:00Z'))).toBe(true); // Mon 02:00
  });

  it('follows the wall clock across a daylight-saving change', () => {
    // given 08:00–18:00 Berlin; CET (+1) until Sunday 29 March 2026, CEST (+2) after
    // when it is 06:30 UTC: Friday before the change is 07:30 local, Monday after is 08:30
    expect(isInsideWindow(officeHours, at('2026-03-27T06:30:00Z'))).toBe(false);
    expect(isInsideWindow(officeHours, at('2026-03-30T06:30:00Z'))).toBe(true);
    // and back in October: Monday 26 October 07:30 UTC is 08:30 CET
    expect(isInsideWindow(officeHours, at('2026-10-23T06:30:00Z'))).toBe(true); // Fri, CEST: 08:30
    expect(isInsideWindow(officeHours, at('2026-10-26T06:30:00Z'))).toBe(false); // Mon, CET: 07:30
  });

  it('places local times in UTC around DST changes: skipped times open at the end of the gap, repeated ones at the first', () => {
    expect(zonedInstant({ year: 2026, month: 3, day: 27 }, 8 * 60, 'Europe/Berlin').toISOString()).toBe('2026-03-27T07:00:00.000Z');
    expect(zonedInstant({ year: 2026, month: 3, day: 30 }, 8 * 60, 'Europe/Berlin').toISOString()).toBe('2026-03-30T06:00:00.000Z');
    expect(zonedInstant({ year: 2026, month: 3, day: 29 }, 2 * 60 + 30, 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(zonedInstant({ year: 2026, month: 10, day: 25 }, 2 * 60 + 30, 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('finds the next opening, across a weekend and a DST change', () => {
    // given Friday 27 March 2026 19:00 Berlin, after hours
    expect(nextOpening([officeHours], at('2026-03-27T18:00:00Z'))?.toISOString()).toBe('2026-03-30T06:00:00.000Z');
    // the earliest of several windows wins
    const tokyo: AccessWindow = { timezone: 'Asia/Tokyo', days: [1], start: '09:00', end: '10:00' };
    expect(nextOpening([officeHours, tokyo], at('2026-03-27T18:00:00Z'))?.toISOString()).toBe('2026-03-30T00:00:00.000Z');
    expect(nextOpening([], at('2026-03-27T18:00:00Z'))).toBeNull();
  });

  it('binds the windows naming the user, their role or a team, and those naming no one', () => {
    const windows: AccessWindow[] = [
      officeHours,
      { ...officeHours, roles: ['Developer'] },
      { ...officeHours, teams: ['11111111-1111-4111-8111-111111111111'] },
      { ...officeHours, users: ['22222222-2222-4222-8222-222222222222'] },
    ];
    expect(applicableWindows(windows, { userId: '22222222-2222-4222-8222-222222222222', role: 'Viewer', teamIds: [] })).toEqual([0, 3]);
    expect(applicableWindows(windows, { userId: 'x', role: 'Developer', teamIds: ['11111111-1111-4111-8111-111111111111'] })).toEqual([0, 1, 2]);
    expect(applicableWindows(windows.slice(1), { userId: 'x', role: 'Viewer', teamIds: [] })).toEqual([]);
  });
});
