import { DomainError, ForbiddenError, InvalidInputError } from '../../../shared/domain-error';

/** A grant beyond what the grantor holds ("nobody grants a permission they do not hold"). */
export class GrantBeyondHoldingsError extends ForbiddenError {
  constructor(lacking: readonly string[]) {
    super('ACCESS.GRANT_BEYOND_HOLDINGS', `You cannot grant what you do not hold: ${lacking.join(', ')}`);
  }
}

export class RoleNameTakenError extends DomainError {
  constructor(name: string) {
    super('ROLES.NAME_TAKEN', 'conflict', `A role named ${name} exists already`, [{ field: 'name', message: 'this name is taken' }]);
  }
}

export class RoleInUseError extends DomainError {
  constructor(holders: number) {
    super('ROLES.IN_USE', 'conflict', `${holders} user(s) hold this role; name a replacement role to delete it`, [
      { field: 'replacement', message: 'required while the role is in use' },
    ]);
  }
}

export class UnknownRoleError extends InvalidInputError {
  constructor(field: string, name: string) {
    super('ROLES.UNKNOWN', field, `${field}: there is no role named ${name}`);
  }
}

export class ResourceTakenError extends DomainError {
  constructor() {
    super('RESOURCES.EXTERNAL_ID_TAKEN', 'conflict', 'A resource of this type with this externalId is registered already', [
      { field: 'externalId', message: 'taken for this type' },
    ]);
  }
}
