import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { ChainVerifier, type ChainCheck } from '../../../../infrastructure/event-store/event-hash';
import { EventStore } from '../../../../infrastructure/event-store/event-store';
import { VerifyChainQuery } from './verify-chain.query';

@QueryHandler(VerifyChainQuery)
export class VerifyChainHandler implements IQueryHandler<VerifyChainQuery, ChainCheck> {
  constructor(
    private readonly em: EntityManager,
    private readonly store: EventStore,
  ) {}

  async execute({ organizationId, range }: VerifyChainQuery): Promise<ChainCheck> {
    const em = this.em.fork();
    let verifier: ChainVerifier | null = null;
    let last: { seq: number; hash: string } | null = null;
    for await (const event of this.store.read(em, organizationId, range)) {
      if (!verifier) {
        // a range that starts mid-chain is anchored on the event before it
        const anchor = event.seq > 1 ? await this.store.findBySeq(em, organizationId, event.seq - 1) : null;
        verifier = new ChainVerifier(anchor ? { seq: anchor.seq, hash: anchor.hash } : null);
      }
      verifier.add(event);
      last = { seq: event.seq, hash: event.hash };
    }
    const result = verifier?.result() ?? { valid: true, checked: 0, firstBrokenSeq: null };
    if (result.valid && !range.to && (last || !range.from)) {
      // events removed from the end leave a valid chain: compare with the stream's head
      const head = await this.store.head(em, organizationId);
      if (head && (head.seq !== (last?.seq ?? 0) || (last && head.hash !== last.hash))) {
        return { valid: false, checked: result.checked, firstBrokenSeq: (last?.seq ?? 0) + 1 };
      }
    }
    return result;
  }
}
