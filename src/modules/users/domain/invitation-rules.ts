import { isEmail } from 'class-validator';
import { ASSIGNABLE_ROLES, BUILT_IN_ROLES, isBuiltInRole } from '../../access-policy';
import { DomainError, type FieldError } from '../../../shared/domain-error';

export const MAX_EMAIL_LENGTH = 254;

/** The same test the request DTOs apply (class-validator's), for rows that arrive in bulk. */
export function isInvitableEmail(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length <= MAX_EMAIL_LENGTH && isEmail(value.trim());
}

/** Invitations give built-in roles (custom roles arrive with their own issue). */
export function isInvitableRole(value: unknown): value is string {
  return typeof value === 'string' && isBuiltInRole(value);
}

export class InvalidInvitationError extends DomainError {
  constructor(code: string, field: string, message: string) {
    super(code, 'invalid', message, [{ field, message }]);
  }
}

export class RoleNotAssignableError extends DomainError {
  constructor(inviterRole: string, role: string) {
    const allowed = isBuiltInRole(inviterRole) ? ASSIGNABLE_ROLES[inviterRole] : [];
    const message = allowed.length
      ? `A ${inviterRole} may invite only as ${allowed.join(' or ')}, not as ${role}`
      : `A ${inviterRole} may not invite anyone as ${role}`;
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
export function checkInvitee(email: unknown, role: unknown): { email: string; role: string } {
  if (!isInvitableEmail(email)) {
    throw new InvalidInvitationError('INVITATIONS.INVALID_EMAIL', 'email', 'email must be an email address');
  }
  if (!isInvitableRole(role)) {
    throw new InvalidInvitationError('INVITATIONS.UNKNOWN_ROLE', 'role', `role must be one of ${BUILT_IN_ROLES.join(', ')}`);
  }
  return { email: email.trim(), role };
}

/** DESIGN.md's privilege rule: nobody invites into a role they may not assign (a Manager: Developer and Viewer). */
export function assertMayInvite(inviterRole: string, role: string): void {
  const allowed: readonly string[] = isBuiltInRole(inviterRole) ? ASSIGNABLE_ROLES[inviterRole] : [];
  if (!allowed.includes(role)) throw new RoleNotAssignableError(inviterRole, role);
}

/** The first field a domain error names, for per-row outcomes. */
export function firstField(errors: FieldError[]): string | null {
  return errors[0]?.field ?? null;
}
