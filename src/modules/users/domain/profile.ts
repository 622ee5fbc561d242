import type { FieldError } from '../../../shared/domain-error';

/** The mail a user may switch on or off, and the switches' values until they do. */
export const DEFAULT_NOTIFICATION_PREFERENCES = {
  securityAlerts: true,
  invitationOutcomes: true,
  weeklyDigest: false,
  productUpdates: false,
} as const;

/**
 * The notices shown in the app (`GET /api/v1/me/notifications`), under `inApp`: only the topics
 * that have one (the weekly digest and product updates are mail only).
 */
export const DEFAULT_IN_APP_PREFERENCES = {
  securityAlerts: true,
  invitationOutcomes: true,
} as const;

export type NotificationPreference = keyof typeof DEFAULT_NOTIFICATION_PREFERENCES;
export type InAppTopic = keyof typeof DEFAULT_IN_APP_PREFERENCES;
/** Where a notice goes: a mail, or the user's in-app feed. */
export type NotificationChannel = 'email' | 'inApp';
export type NotificationPreferences = Record<NotificationPreference, boolean> & { inApp: Record<InAppTopic, boolean> };
export type NotificationPreferenceChanges = Partial<Record<NotificationPreference, boolean>> & { inApp?: Partial<Record<InAppTopic, boolean>> };

export const NOTIFICATION_PREFERENCE_NAMES = Object.keys(DEFAULT_NOTIFICATION_PREFERENCES) as NotificationPreference[];
export const IN_APP_TOPICS = Object.keys(DEFAULT_IN_APP_PREFERENCES) as InAppTopic[];

/** The profile fields, in the order they are validated and reported. */
export const PROFILE_FIELDS = ['name', 'phone', 'timezone', 'locale', 'notificationPreferences'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

/** What a user may change of their own profile; an administrator may change all but the preferences. */
export const SELF_EDITABLE_FIELDS: readonly ProfileField[] = PROFILE_FIELDS;
export const ADMIN_EDITABLE_FIELDS: readonly ProfileField[] = ['name', 'phone', 'timezone', 'locale'];

/** A validated change: absent fields stay as they are, null clears. */
export interface ProfileChanges {
  name?: string;
  phone?: string | null;
  timezone?: string | null;
  locale?: string | null;
  notificationPreferences?: NotificationPreferenceChanges;
}

type Check<T> = { ok: true; value: T } | { ok: false; message: string };

const NAME_MAX = 200;
const LOCALE_MAX = 64;
// E.164: a plus and 8 to 15 digits, no leading zero in the country code
const E164 = /^\+[1-9]\d{7,14}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function checkName(value: unknown): Check<string> {
  if (typeof value !== 'string') return { ok: false, message: 'must be a string' };
  const name = value.trim();
  if (name.length < 1 || name.length > NAME_MAX) return { ok: false, message: `must be 1 to ${NAME_MAX} characters` };
  if (CONTROL.test(name)) return { ok: false, message: 'must not contain control characters' };
  return { ok: true, value: name };
}

export function checkPhone(value: unknown): Check<string | null> {
  if (value === null) return { ok: true, value: null };
  if (typeof value !== 'string') return { ok: false, message: 'must be a string or null' };
  const phone = value.trim();
  if (!E164.test(phone)) return { ok: false, message: 'must be an E.164 number: + and 8 to 15 digits, e.g. +14155550123' };
  return { ok: true, value: phone };
}

let timeZones: ReadonlySet<string> | undefined;
// Area/Location as IANA spells it: every part starts with a capital (Etc/GMT+5, America/Argentina/Buenos_Aires)
const IANA_NAME = /^[A-Z][A-Za-z_-]*(?:\/[A-Z][A-Za-z0-9_+-]*)+$/;

/**
 * True for the IANA time zone names this runtime knows (and UTC). The runtime's list holds
 * ICU's older canonical names (Asia/Calcutta, Europe/Kiev), so a current IANA name it
 * resolves (Asia/Kolkata, Europe/Kyiv) is accepted too; offsets and abbreviations are not.
 */
export function isKnownTimeZone(name: string): boolean {
  timeZones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  if (timeZones.has(name)) return true;
  if (!IANA_NAME.test(name)) return false;
  try {
    return timeZones.has(new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone);
  } catch {
    return false;
  }
}

export function checkTimezone(value: unknown): Check<string | null> {
  if (value === null) return { ok: true, value: null };
  if (typeof value !== 'string') return { ok: false, message: 'must be a string or null' };
  if (!isKnownTimeZone(value)) return { ok: false, message: 'must be an IANA time zone name such as Europe/Paris' };
  return { ok: true, value };
}

/** A BCP 47 language tag, canonicalized (en-us → en-US). */
export function checkLocale(value: unknown): Check<string | null> {
  if (value === null) return { ok: true, value: null };
  if (typeof value !== 'string') return { ok: false, message: 'must be a string or null' };
  const invalid = { ok: false as const, message: 'must be a BCP 47 language tag such as en-US' };
  if (!value || value.length > LOCALE_MAX) return invalid;
  try {
    const [canonical] = Intl.getCanonicalLocales(value);
    return canonical ? { ok: true, value: canonical } : invalid;
  } catch {
    return invalid;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const has = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/** Switches of `known`, each true or false; every bad key is reported on its own under `field`. */
function checkSwitches<K extends string>(value: unknown, field: string, known: Record<K, boolean>, also: string[] = []): { value: Partial<Record<K, boolean>>; errors: FieldError[] } {
  if (!isPlainObject(value)) return { value: {}, errors: [{ field, message: 'must be an object of true/false switches' }] };
  const errors: FieldError[] = [];
  const switches: Partial<Record<K, boolean>> = {};
  for (const [key, setting] of Object.entries(value)) {
    if (!has(known, key)) {
      errors.push({ field: `${field}.${key}`, message: `is not a preference; known: ${[...Object.keys(known), ...also].join(', ')}` });
    } else if (typeof setting !== 'boolean') {
      errors.push({ field: `${field}.${key}`, message: 'must be true or false' });
    } else {
      switches[key as K] = setting;
    }
  }
  return { value: switches, errors };
}

/**
 * Some of the known mail switches, each true or false, and `inApp`: some of the in-app ones;
 * every bad key is reported on its own.
 */
export function checkNotificationPreferences(value: unknown): { value: NotificationPreferenceChanges; errors: FieldError[] } {
  const field = 'notificationPreferences';
  if (!isPlainObject(value)) return { value: {}, errors: [{ field, message: 'must be an object of true/false switches' }] };
  const { inApp, ...mail } = value;
  const checked = checkSwitches(mail, field, DEFAULT_NOTIFICATION_PREFERENCES, ['inApp']);
  if (!has(value, 'inApp')) return checked;
  const inAppChecked = checkSwitches(inApp, `${field}.inApp`, DEFAULT_IN_APP_PREFERENCES);
  return { value: { ...checked.value, inApp: inAppChecked.value }, errors: [...checked.errors, ...inAppChecked.errors] };
}

/** The stored switches over the defaults; anything unknown in storage is dropped. */
export function effectiveNotificationPreferences(stored: Record<string, unknown> | null | undefined): NotificationPreferences {
  const mail = { ...DEFAULT_NOTIFICATION_PREFERENCES } as Record<NotificationPreference, boolean>;
  for (const key of NOTIFICATION_PREFERENCE_NAMES) {
    const setting = stored?.[key];
    if (typeof setting === 'boolean') mail[key] = setting;
  }
  const inApp = { ...DEFAULT_IN_APP_PREFERENCES } as Record<InAppTopic, boolean>;
  const storedInApp = isPlainObject(stored?.inApp) ? stored.inApp : {};
  for (const key of IN_APP_TOPICS) {
    const setting = storedInApp[key];
    if (typeof setting === 'boolean') inApp[key] = setting;
  }
  return { ...mail, inApp };
}

/** The preferences after `changes`; `changed` when any switch moved. */
export function applyNotificationChanges(before: NotificationPreferences, changes: NotificationPreferenceChanges): { after: NotificationPreferences; changed: boolean } {
  const { inApp, ...mail } = changes;
  const after: NotificationPreferences = { ...before, ...mail, inApp: { ...before.inApp, ...inApp } };
  const changed = NOTIFICATION_PREFERENCE_NAMES.some((key) => before[key] !== after[key]) || IN_APP_TOPICS.some((key) => before.inApp[key] !== after.inApp[key]);
  return { after, changed };
}

/** Whether the user wants a topic's notices on a channel. */
export function wantsNotice(preferences: NotificationPreferences, topic: NotificationPreference, channel: NotificationChannel): boolean {
  if (channel === 'email') return preferences[topic];
  return has(preferences.inApp, topic) && preferences.inApp[topic as InAppTopic];
}

/**
 * Validates a requested profile change field by field. `allowed` limits which fields may
 * appear; others are reported too. Returns the normalized changes, or every field's error.
 */
export function parseProfileChanges(
  input: Partial<Record<string, unknown>>,
  allowed: readonly ProfileField[],
): { changes: ProfileChanges; errors: FieldError[] } {
  const changes: ProfileChanges = {};
  const errors: FieldError[] = [];
  const report = (field: string, check: Check<unknown>) => {
    if (!check.ok) errors.push({ field, message: check.message });
  };
  for (const field of Object.keys(input)) {
    if (input[field] === undefined) continue;
    if (!(allowed as readonly string[]).includes(field)) errors.push({ field, message: 'cannot be changed here' });
  }
  const has = (field: ProfileField) => allowed.includes(field) && input[field] !== undefined;
  if (has('name')) {
    const check = checkName(input.name);
    if (check.ok) changes.name = check.value;
    else report('name', check);
  }
  if (has('phone')) {
    const check = checkPhone(input.phone);
    if (check.ok) changes.phone = check.value;
    else report('phone', check);
  }
  if (has('timezone')) {
    const check = checkTimezone(input.timezone);
    if (check.ok) changes.timezone = check.value;
    else report('timezone', check);
  }
  if (has('locale')) {
    const check = checkLocale(input.locale);
    if (check.ok) changes.locale = check.value;
    else report('locale', check);
  }
  if (has('notificationPreferences')) {
    const check = checkNotificationPreferences(input.notificationPreferences);
    if (check.errors.length) errors.push(...check.errors);
    else changes.notificationPreferences = check.value;
  }
  return { changes, errors };
}
