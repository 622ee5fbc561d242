import { Query } from '@nestjs/cqrs';
import type { Principal } from '../../../../shared/principal';
import type { Decision, DecisionTarget } from '../../domain/decision';

export interface DecisionQuestion extends DecisionTarget {
  /** Absent: the caller. */
  userId?: string;
  /** The address the user acts from, as the asking service saw it; absent, the IP allow-list is not judged. */
  ip?: string;
}

/** Answers questions of the decision API in order (check: one; check-batch: up to 100). */
export class DecideQuery extends Query<Decision[]> {
  constructor(
    readonly principal: Principal,
    readonly questions: DecisionQuestion[],
    /** The users' ability stamps as authentication read them for this request (ReadAlongside). */
    readonly alongside?: ReadonlyMap<string, string | null>,
  ) {
    super();
  }
}
