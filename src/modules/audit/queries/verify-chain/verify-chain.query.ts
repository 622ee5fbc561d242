import { Query } from '@nestjs/cqrs';
import type { ChainCheck } from '../../../../infrastructure/event-store/event-hash';

/** Recomputes the organization's hash chain over a time range (all of it by default). */
export class VerifyChainQuery extends Query<ChainCheck> {
  constructor(
    readonly organizationId: string,
    readonly range: { from?: Date; to?: Date },
  ) {
    super();
  }
}
