import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { ChainVerifier } from '../../../../infrastructure/event-store/event-hash';
import { EventStore } from '../../../../infrastructure/event-store/event-store';
import { CheckpointsRepository } from '../../infrastructure/checkpoints.repository';
import { VerifyChainQuery, type VerifyOutcome } from './verify-chain.query';

const earliest = (a: number | null, b: number): number => (a === null ? b : Math.min(a, b));

@QueryHandler(VerifyChainQuery)
export class VerifyChainHandler implements IQueryHandler<VerifyChainQuery, VerifyOutcome> {
  constructor(
    private readonly em: EntityManager,
    private readonly store: EventStore,
    private readonly checkpoints: CheckpointsRepository,
  ) {}

  async execute({ organizationId, range, onProgress }: VerifyChainQuery): Promise<VerifyOutcome> {
    const em = this.em.fork();
    // signed statements of what the chain held: a rewrite or truncation cannot match them
    const signed = await this.checkpoints.all(em, organizationId);
    const signedHash = new Map(signed.map((checkpoint) => [checkpoint.seq, checkpoint.hash]));
    let verifier: ChainVerifier | null = null;
    let first: number | null = null;
    let last: { seq: number; hash: string } | null = null;
    let contradicted: number | null = null;
    for await (const event of this.store.read(em, organizationId, range)) {
      if (!verifier) {
        // a range that starts mid-chain is anchored on the event before it
        const anchor = event.seq > 1 ? await this.store.findBySeq(em, organizationId, event.seq - 1) : null;
        verifier = new ChainVerifier(anchor ? { seq: anchor.seq, hash: anchor.hash } : null);
        first = event.seq;
      }
      verifier.add(event);
      const expected = signedHash.get(event.seq);
      if (expected !== undefined && expected !== event.hash) contradicted = earliest(contradicted, event.seq);
      last = { seq: event.seq, hash: event.hash };
      if (onProgress && verifier.result().checked % 10_000 === 0) onProgress(verifier.result().checked);
    }
    const chain = verifier?.result() ?? { valid: true, checked: 0, firstBrokenSeq: null };
    let broken = chain.firstBrokenSeq;
    if (contradicted !== null) broken = earliest(broken, contradicted);
    const latest = signed.at(-1) ?? null;
    if (!range.to && (last || !range.from)) {
      // events removed from the end leave a valid chain: the head and the last checkpoint say where it ended
      const head = await this.store.head(em, organizationId);
      const end = last?.seq ?? 0;
      if (head && (head.seq !== end || (last && head.hash !== last.hash))) broken = earliest(broken, end + 1);
      if (latest && latest.seq > end && latest.seq >= (first ?? 0)) broken = earliest(broken, end + 1);
    }
    return {
      valid: broken === null,
      checked: chain.checked,
      firstBrokenSeq: broken,
      checkpoint: latest ? { seq: latest.seq, at: latest.at } : null,
    };
  }
}
