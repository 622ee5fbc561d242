import type { FieldError } from '../../../shared/domain-error';
import { DomainError } from '../../../shared/domain-error';
import { DEFAULT_PASSWORD_POLICY, validatePasswordPolicy, type PasswordPolicy } from './password-policy';
import { isTimeZone, parseClock, type AccessWindow } from './access-windows';
import { parseCidr, type IpRule } from './ip-allowlist';
import { isBuiltInRole } from './roles';

export type { AccessWindow } from './access-windows';
export type { IpRule } from './ip-allowlist';

const MAX_IP_RULES = 200;
const MAX_WINDOWS = 100;
const MAX_BREAK_GLASS_USERS = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SessionPolicy {
  /** A session ends this long after sign-in, however active (absolute lifetime). */
  maxLifetimeMinutes: number;
  /** A session ends after this long without a refresh (idle timeout). */
  idleTimeoutMinutes: number;
}

export interface MfaPolicy {
  requiredForRoles: string[];
}

export interface InvitationPolicy {
  /** An invitation link works this many days after it was sent (or last resent). */
  ttlDays: number;
}

/** The organization's policy document (API.md, PUT /policies); sections arrive issue by issue. */
export interface PolicyDocument {
  password: PasswordPolicy;
  session: SessionPolicy;
  mfa: MfaPolicy;
  invitations: InvitationPolicy;
  /** Where from: empty = anywhere. */
  ipAllowlist: IpRule[];
  /** When: empty = any time. */
  accessWindows: AccessWindow[];
  /** Users who pass the IP allow-list and access windows (never MFA); each use is a high-severity event. */
  breakGlassUsers: string[];
  /** Sign-in through the organization's SSO only: password sign-in is refused, except for break-glass users. */
  ssoOnly: boolean;
}

export const DEFAULT_POLICY: PolicyDocument = {
  password: DEFAULT_PASSWORD_POLICY,
  session: { maxLifetimeMinutes: 7 * 24 * 60, idleTimeoutMinutes: 24 * 60 },
  mfa: { requiredForRoles: [] },
  invitations: { ttlDays: 7 },
  ipAllowlist: [],
  accessWindows: [],
  breakGlassUsers: [],
  ssoOnly: false,
};

function integerIn(errors: FieldError[], field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    errors.push({ field, message: `must be a whole number from ${min} to ${max}` });
    return min;
  }
  return value;
}

function objectAt(errors: FieldError[], field: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push({ field, message: 'must be an object' });
    return {};
  }
  return value as Record<string, unknown>;
}

function noUnknownKeys(errors: FieldError[], prefix: string, value: Record<string, unknown>, known: string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) errors.push({ field: prefix ? `${prefix}.${key}` : key, message: 'is not a known setting' });
  }
}

/** Validates a whole document; sections left out take their defaults. Every bad field is named. */
export function parsePolicyDocument(input: unknown): PolicyDocument {
  const errors: FieldError[] = [];
  const root = objectAt(errors, 'body', input);
  noUnknownKeys(errors, '', root, ['password', 'session', 'mfa', 'invitations', 'ipAllowlist', 'accessWindows', 'breakGlassUsers', 'ssoOnly']);
  let password = DEFAULT_PASSWORD_POLICY;
  try {
    password = validatePasswordPolicy(root.password);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    errors.push(...error.fieldErrors);
  }
  const session = objectAt(errors, 'session', root.session);
  noUnknownKeys(errors, 'session', session, ['maxLifetimeMinutes', 'idleTimeoutMinutes']);
  const mfa = objectAt(errors, 'mfa', root.mfa);
  noUnknownKeys(errors, 'mfa', mfa, ['requiredForRoles']);
  const invitations = objectAt(errors, 'invitations', root.invitations);
  noUnknownKeys(errors, 'invitations', invitations, ['ttlDays']);

  const maxLifetimeMinutes = integerIn(
    errors,
    'session.maxLifetimeMinutes',
    session.maxLifetimeMinutes ?? DEFAULT_POLICY.session.maxLifetimeMinutes,
    5,
    365 * 24 * 60,
  );
  const idleTimeoutMinutes = integerIn(
    errors,
    'session.idleTimeoutMinutes',
    session.idleTimeoutMinutes ?? DEFAULT_POLICY.session.idleTimeoutMinutes,
    5,
    365 * 24 * 60,
  );
  if (idleTimeoutMinutes > maxLifetimeMinutes) {
    errors.push({ field: 'session.idleTimeoutMinutes', message: 'must not be longer than session.maxLifetimeMinutes' });
  }
  const roles = mfa.requiredForRoles ?? [];
  if (!Array.isArray(roles) || roles.some((role) => typeof role !== 'string' || !isBuiltInRole(role))) {
    errors.push({ field: 'mfa.requiredForRoles', message: 'must list built-in roles (Administrator, Manager, Developer, Viewer)' });
  }
  const ttlDays = integerIn(errors, 'invitations.ttlDays', invitations.ttlDays ?? DEFAULT_POLICY.invitations.ttlDays, 1, 90);
  const ipAllowlist = parseIpAllowlist(errors, root.ipAllowlist);
  const accessWindows = parseAccessWindows(errors, root.accessWindows);
  const breakGlassUsers = idList(errors, 'breakGlassUsers', root.breakGlassUsers ?? [], MAX_BREAK_GLASS_USERS, true) ?? [];
  const ssoOnly = root.ssoOnly ?? false;
  if (typeof ssoOnly !== 'boolean') errors.push({ field: 'ssoOnly', message: 'must be true or false' });
  if (errors.length) throw new DomainError('POLICIES.INVALID', 'invalid', 'The policy document is not valid', errors);
  return {
    password,
    session: { maxLifetimeMinutes, idleTimeoutMinutes },
    mfa: { requiredForRoles: [...new Set(roles as string[])] },
    invitations: { ttlDays },
    ipAllowlist,
    accessWindows,
    breakGlassUsers,
    ssoOnly: ssoOnly === true,
  };
}

function arrayAt(errors: FieldError[], field: string, value: unknown, max: number): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    errors.push({ field, message: 'must be a list' });
    return [];
  }
  if (value.length > max) {
    errors.push({ field, message: `must have at most ${max} entries` });
    return [];
  }
  return value;
}

/** A selector list: absent means "not scoped by this"; present, it must name someone (an empty list would silently name nobody). */
function roleList(errors: FieldError[], field: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.length || value.some((role) => typeof role !== 'string' || !isBuiltInRole(role))) {
    errors.push({ field, message: 'must list one or more built-in roles (Administrator, Manager, Developer, Viewer), or be left out' });
    return undefined;
  }
  return [...new Set(value as string[])];
}

function idList(errors: FieldError[], field: string, value: unknown, max: number, emptyAllowed = false): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || (!emptyAllowed && !value.length) || value.length > max || value.some((id) => typeof id !== 'string' || !UUID.test(id))) {
    errors.push({ field, message: `must list ${emptyAllowed ? 'up to' : 'one to'} ${max} user or team ids (UUIDs)${emptyAllowed ? '' : ', or be left out'}` });
    return undefined;
  }
  return [...new Set((value as string[]).map((id) => id.toLowerCase()))];
}

function parseIpAllowlist(errors: FieldError[], input: unknown): IpRule[] {
  return arrayAt(errors, 'ipAllowlist', input, MAX_IP_RULES).map((raw, index) => {
    const field = `ipAllowlist[${index}]`;
    const entry = objectAt(errors, field, raw ?? null);
    noUnknownKeys(errors, field, entry, ['cidr', 'roles']);
    const cidr = typeof entry.cidr === 'string' ? parseCidr(entry.cidr) : null;
    if (!cidr) errors.push({ field: `${field}.cidr`, message: 'must be an IPv4 or IPv6 address or CIDR range, e.g. 203.0.113.0/24 or 2001:db8::/32' });
    const roles = roleList(errors, `${field}.roles`, entry.roles);
    const cidrText = cidr ? `${cidr.address}/${cidr.prefix}` : '';
    return roles ? { cidr: cidrText, roles } : { cidr: cidrText };
  });
}

function parseAccessWindows(errors: FieldError[], input: unknown): AccessWindow[] {
  return arrayAt(errors, 'accessWindows', input, MAX_WINDOWS).map((raw, index) => {
    const field = `accessWindows[${index}]`;
    const entry = objectAt(errors, field, raw ?? null);
    noUnknownKeys(errors, field, entry, ['roles', 'teams', 'users', 'timezone', 'days', 'start', 'end']);
    const window: AccessWindow = { timezone: '', days: [], start: '', end: '' };
    const roles = roleList(errors, `${field}.roles`, entry.roles);
    const teams = idList(errors, `${field}.teams`, entry.teams, 100);
    const users = idList(errors, `${field}.users`, entry.users, 1000);
    if (roles) window.roles = roles;
    if (teams) window.teams = teams;
    if (users) window.users = users;
    if (typeof entry.timezone !== 'string' || !isTimeZone(entry.timezone)) {
      errors.push({ field: `${field}.timezone`, message: 'must be an IANA time zone, e.g. Europe/Berlin' });
    } else window.timezone = entry.timezone;
    const days = entry.days;
    if (!Array.isArray(days) || !days.length || days.some((day) => typeof day !== 'number' || !Number.isInteger(day) || day < 1 || day > 7)) {
      errors.push({ field: `${field}.days`, message: 'must list ISO weekdays from 1 (Monday) to 7 (Sunday)' });
    } else window.days = [...new Set(days as number[])].sort();
    const start = typeof entry.start === 'string' ? parseClock(entry.start) : null;
    const end = typeof entry.end === 'string' ? parseClock(entry.end) : null;
    if (start === null || start === 1440) errors.push({ field: `${field}.start`, message: 'must be a local time "HH:MM" from 00:00 to 23:59' });
    else window.start = entry.start as string;
    if (end === null) errors.push({ field: `${field}.end`, message: 'must be a local time "HH:MM" from 00:00 to 24:00 (before start: the window runs past midnight)' });
    else if (end === start || (end === 0 && start === 0)) errors.push({ field: `${field}.end`, message: 'must differ from start' });
    else window.end = entry.end as string;
    return window;
  });
}
