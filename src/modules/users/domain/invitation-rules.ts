import { isEmail } from 'class-validator';
import { ASSIGNABLE_ROLES, BUILT_IN_ROLES, isBuiltInRole } from '../../access-policy';
import { DomainError, type FieldError } from '../../../shared/domain-error';
import { grantRefusal, type Grantor, type PermissionsOf } from './privileges';

export const MAX_EMAIL_LENGTH = 254;

/** The same test the request DTOs apply (class-validator's), for rows that arrive in bulk. */
export function isInvitableEmail(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length <= MAX_EMAIL_LENGTH && isEmail(value.trim());
}

/** Batches give built-in roles; one invitation at a time may give a custom role (its handler resolves it). */
export function isInvitableRole(value: unknown): value is string {
  return typeof value === 'string' && isBuiltInRole(value);
}

export class InvalidInvitationError extends DomainError {
  constructor(code: string, field: string, message: string) {
    super(code, 'invalid', message, [{ field, message }]);
  }
}

export class RoleNotAssignableError extends DomainError {
  constructor(message: string) {
    super('INVITATIONS.ROLE_NOT_ASSIGNABLE', 'forbidden', message, [{ field: 'role', message }]);
  }
}

export class AlreadyMemberError extends DomainError {
  constructor() {
    const message = 'someone with this email is already a member of the organization';
    super('INVITATIONS.ALREADY_MEMBER', 'conflict', `Not invited: ${message}`, [{ field: 'email', message }]);
  }
}

/** The email and role of one invitation, as a request states them; throws naming the bad field. */
export function checkInvitee(email: unknown, role: unknown, customRoles = false): { email: string; role: string } {
  if (!isInvitableEmail(email)) {
    throw new InvalidInvitationError('INVITATIONS.INVALID_EMAIL', 'email', 'email must be an email address');
  }
  if (!(customRoles && typeof role === 'string') && !isInvitableRole(role)) {
    throw new InvalidInvitationError('INVITATIONS.UNKNOWN_ROLE', 'role', `role must be one of ${BUILT_IN_ROLES.join(', ')}`);
  }
  return { email: email.trim(), role };
}

/**
 * DESIGN.md's privilege rule: nobody invites into a role they may not grant (a Manager:
 * Developer and Viewer; an API key: nothing beyond its scopes), the same rule as a role change.
 */
export function assertMayInvite(by: Grantor, role: string, permissionsOf: PermissionsOf): void {
  const refusal = grantRefusal(by, role, permissionsOf);
  if (!refusal) return;
  const allowed: readonly string[] = isBuiltInRole(by.role) ? ASSIGNABLE_ROLES[by.role] : [];
  // the role table's refusal says what the inviter may invite as; a key's names what it lacks
  const message = !allowed.includes(role)
    ? allowed.length
      ? `A ${by.role} may invite only as ${allowed.join(' or ')}, not as ${role}`
      : `A ${by.role} may not invite anyone as ${role}`
    : refusal;
  throw new RoleNotAssignableError(message);
}

/** The first field a domain error names, for per-row outcomes. */
export function firstField(errors: FieldError[]): string | null {
  return errors[0]?.field ?? null;
}
