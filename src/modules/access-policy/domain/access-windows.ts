/**
 * A weekly schedule in an IANA time zone. `days` are ISO weekdays (1 = Monday … 7 =
 * Sunday) on which the window opens; `start`/`end` are local wall-clock "HH:MM" (end may be
 * "24:00"). An end before the start runs across midnight into the next day, so
 * `days: [5], start: "22:00", end: "06:00"` is Friday 22:00 to Saturday 06:00. Local time
 * is read through the zone's rules at each instant, so daylight-saving changes move the
 * window with the wall clock. Selectors: the users, roles and teams it binds; none = everyone.
 */
export interface AccessWindow {
  roles?: string[];
  teams?: string[];
  users?: string[];
  timezone: string;
  days: number[];
  start: string;
  end: string;
}

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** ISO: 1 = Monday … 7 = Sunday. */
  isoWeekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timezone, format);
  }
  return format;
}

export function isTimeZone(value: string): boolean {
  try {
    formatter(value);
    return true;
  } catch {
    return false;
  }
}

export function localTime(instant: Date, timezone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatter(timezone).formatToParts(instant)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    isoWeekday: WEEKDAYS[parts.weekday],
    minutes: (Number(parts.hour) % 24) * 60 + Number(parts.minute),
  };
}

/** "HH:MM" → minutes since midnight ("24:00" is 1440); null when malformed. */
export function parseClock(value: string): number | null {
  const match = /^(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  if (Number(match[2]) > 59 || minutes > 1440) return null;
  return minutes;
}

export function isInsideWindow(window: AccessWindow, instant: Date): boolean {
  const local = localTime(instant, window.timezone);
  const start = parseClock(window.start) ?? 0;
  const end = parseClock(window.end) ?? 0;
  if (start < end) return window.days.includes(local.isoWeekday) && local.minutes >= start && local.minutes < end;
  // across midnight: the evening of a listed day, or the early hours of the day after one
  const previous = local.isoWeekday === 1 ? 7 : local.isoWeekday - 1;
  return (window.days.includes(local.isoWeekday) && local.minutes >= start) || (window.days.includes(previous) && local.minutes < end);
}

/** The windows that bind a user: those naming them, their role or one of their teams, and those naming no one. */
export function applicableWindows(windows: readonly AccessWindow[], subject: { userId: string; role: string; teamIds: readonly string[] }): number[] {
  return windows.flatMap((window, index) => {
    if (!window.users && !window.roles && !window.teams) return [index];
    const binds =
      !!window.users?.some((id) => id.toLowerCase() === subject.userId.toLowerCase()) ||
      !!window.roles?.includes(subject.role) ||
      !!window.teams?.some((team) => subject.teamIds.includes(team));
    return binds ? [index] : [];
  });
}

function offsetMs(instant: number, timezone: string): number {
  const local = localTime(new Date(instant), timezone);
  const wall = Date.UTC(local.year, local.month - 1, local.day, 0, local.minutes);
  return wall - (instant - (instant % 60_000));
}

function wallMs(instant: number, timezone: string): number {
  const local = localTime(new Date(instant), timezone);
  return Date.UTC(local.year, local.month - 1, local.day, 0, local.minutes);
}

/**
 * The instant a local wall-clock time happens: the earlier one when a DST change repeats
 * it, and the end of the gap when a DST change skips it.
 */
export function zonedInstant(date: { year: number; month: number; day: number }, minutes: number, timezone: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  const candidates = [wall - offsetMs(wall, timezone), wall - offsetMs(wall - 86_400_000, timezone), wall - offsetMs(wall + 86_400_000, timezone)];
  const exact = candidates.filter((candidate) => wallMs(candidate, timezone) === wall);
  if (exact.length) return new Date(Math.min(...exact));
  // skipped: the first minute whose wall clock is past the requested time
  let lo = Math.min(...candidates);
  let hi = Math.max(...candidates);
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (wallMs(mid, timezone) >= wall) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** When the earliest of `windows` next opens after `now` (within eight days), or null. */
export function nextOpening(windows: readonly AccessWindow[], now: Date): Date | null {
  let best: Date | null = null;
  for (const window of windows) {
    const start = parseClock(window.start) ?? 0;
    const today = localTime(now, window.timezone);
    for (let offset = 0; offset <= 8; offset++) {
      const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
      const isoWeekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
      if (!window.days.includes(isoWeekday)) continue;
      const opening = zonedInstant({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() }, start, window.timezone);
      if (opening > now && isInsideWindow(window, opening) && (!best || opening < best)) best = opening;
    }
  }
  return best;
}
