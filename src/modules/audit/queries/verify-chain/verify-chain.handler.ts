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
    const retention = signed.filter((checkpoint) => checkpoint.reason === 'retention');
    let broken: number | null = null;
    let verifier: ChainVerifier | null = null;
    let first: number | null = null;
    let last: { seq: number; hash: string } | null = null;
    let contradicted: number | null = null;
    for await (const event of this.store.read(em, organizationId, range)) {
      if (!verifier) {
        // a range that starts mid-chain is anchored on the event before it; where retention
        // pruned that event, on the retention checkpoint signed at it (audit:prune signs one
        // at the last event of every partition it drops)
        const before = event.seq > 1 ? await this.store.findBySeq(em, organizationId, event.seq - 1) : null;
        const pruned = event.seq > 1 && !before ? retention.find((checkpoint) => checkpoint.seq === event.seq - 1) : undefined;
        if (event.seq > 1 && !before && !pruned) {
          // events are missing with nothing signed to account for them: name the first
          broken = (retention.filter((checkpoint) => checkpoint.seq < event.seq).at(-1)?.seq ?? 0) + 1;
        }
        const anchor = before ?? pruned ?? null;
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
    if (chain.firstBrokenSeq !== null) broken = earliest(broken, chain.firstBrokenSeq);
    if (contradicted !== null) broken = earliest(broken, contradicted);
    const latest = signed.at(-1) ?? null;
    if (!range.to && (last || !range.from)) {
      // events removed from the end leave a valid chain: the head and the last checkpoint say where it ended
      const head = await this.store.head(em, organizationId);
      // nothing left at all is whole only when every event was pruned up to a retention checkpoint at the head
      const tip = last ?? (head ? retention.find((checkpoint) => checkpoint.seq === head.seq) : undefined) ?? null;
      const end = tip?.seq ?? 0;
      if (head && (head.seq !== end || (tip && head.hash !== tip.hash))) broken = earliest(broken, end + 1);
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
