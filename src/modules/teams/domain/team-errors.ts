import { DomainError, InvalidInputError } from '../../../shared/domain-error';

export class InvalidTransitionError extends DomainError {
  constructor(state: string, change: string) {
    super('TEAMS.INVALID_TRANSITION', 'conflict', `An ${state} team cannot be ${change}`);
  }
}

export class TeamNameTakenError extends DomainError {
  constructor() {
    super('TEAMS.NAME_TAKEN', 'conflict', 'A team of this name exists already', [{ field: 'name', message: 'taken' }]);
  }
}

export class TeamCycleError extends InvalidInputError {
  constructor() {
    super('TEAMS.CYCLE', 'parentId', 'parentId would put the team under itself');
  }
}

export class TeamHasChildrenError extends DomainError {
  constructor() {
    super('TEAMS.HAS_CHILDREN', 'conflict', 'Teams still sit under this one; move or archive them first');
  }
}
