import { Query } from '@nestjs/cqrs';
import type { ChainCheck } from '../../../../infrastructure/event-store/event-hash';

export interface VerifyOutcome extends ChainCheck {
  /** The newest signed checkpoint the chain was held against. */
  checkpoint: { seq: number; at: string } | null;
}

/**
 * Recomputes the organization's hash chain over a time range (all of it by default) and
 * holds it against the signed checkpoints.
 */
export class VerifyChainQuery extends Query<VerifyOutcome> {
  constructor(
    readonly organizationId: string,
    readonly range: { from?: Date; to?: Date },
    /** Called every 10,000 events (the command-line tool's progress). */
    readonly onProgress?: (checked: number) => void,
  ) {
    super();
  }
}
