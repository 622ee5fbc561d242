import type { FieldError } from '../../../shared/domain-error';
import { DomainError } from '../../../shared/domain-error';
import { DEFAULT_PASSWORD_POLICY, validatePasswordPolicy, type PasswordPolicy } from './password-policy';
import { isBuiltInRole } from './roles';

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
  /** Password sign-in is refused for everyone but `breakGlassUsers`, who still pass MFA. */
  ssoOnly: boolean;
  breakGlassUsers: string[];
}

export const DEFAULT_POLICY: PolicyDocument = {
  password: DEFAULT_PASSWORD_POLICY,
  session: { maxLifetimeMinutes: 7 * 24 * 60, idleTimeoutMinutes: 24 * 60 },
  mfa: { requiredForRoles: [] },
  invitations: { ttlDays: 7 },
  ssoOnly: false,
  breakGlassUsers: [],
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  noUnknownKeys(errors, '', root, ['password', 'session', 'mfa', 'invitations', 'ssoOnly', 'breakGlassUsers']);
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
  const ssoOnly = root.ssoOnly ?? false;
  if (typeof ssoOnly !== 'boolean') errors.push({ field: 'ssoOnly', message: 'must be true or false' });
  const breakGlassUsers = root.breakGlassUsers ?? [];
  if (!Array.isArray(breakGlassUsers) || breakGlassUsers.length > 20 || breakGlassUsers.some((id) => typeof id !== 'string' || !UUID.test(id))) {
    errors.push({ field: 'breakGlassUsers', message: 'must list at most 20 user ids (UUIDs)' });
  }
  if (errors.length) throw new DomainError('POLICIES.INVALID', 'invalid', 'The policy document is not valid', errors);
  return {
    password,
    session: { maxLifetimeMinutes, idleTimeoutMinutes },
    mfa: { requiredForRoles: [...new Set(roles as string[])] },
    invitations: { ttlDays },
    ssoOnly: ssoOnly === true,
    breakGlassUsers: [...new Set((breakGlassUsers as string[]).map((id) => id.toLowerCase()))],
  };
}
