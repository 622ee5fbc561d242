import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ModuleRef } from '@nestjs/core';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { ChainVerifier, type StoredEvent } from '../../../../infrastructure/event-store/event-hash';
import { EventStore } from '../../../../infrastructure/event-store/event-store';
import { DomainError } from '../../../../shared/domain-error';
import { UnitOfWork, type CommandContext } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { IdGenerator } from '../../../../shared/ids';
import { SigningKeys } from '../../../auth';
import { CHECKPOINT_TYP, type CheckpointPayload } from '../../domain/checkpoint-jws';
import { CheckpointsRepository, type Checkpoint, type CheckpointReason } from '../../infrastructure/checkpoints.repository';
import { CreateCheckpointCommand } from './create-checkpoint.command';

@CommandHandler(CreateCheckpointCommand)
export class CreateCheckpointHandler implements ICommandHandler<CreateCheckpointCommand, Checkpoint | null> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly checkpoints: CheckpointsRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly moduleRef: ModuleRef,
    private readonly store: EventStore,
  ) {}

  /** Auth's public face, looked up rather than imported as a module: AuthModule is registered once, by the app. */
  private keys(): SigningKeys {
    return this.moduleRef.get(SigningKeys, { strict: false });
  }

  async execute({ actor, organizationId, reason, atSeq }: CreateCheckpointCommand): Promise<Checkpoint | null> {
    const { result } = await this.uow.run({ actor, organizationId }, async (context) => {
      const { em } = context;
      if (atSeq !== undefined) {
        const event = await this.store.findBySeq(em, organizationId, atSeq);
        if (!event) return null;
        const existing = await this.checkpoints.atSeq(em, organizationId, atSeq);
        if (existing) return existing;
        await this.assertLinkedToNextCheckpoint(em, organizationId, event);
        return this.sign(context, { organizationId, seq: atSeq, hash: event.hash, at: this.clock.now().toISOString() }, reason);
      }
      // the head's lock orders this checkpoint with the appends around it
      const [head] = await em
        .getConnection()
        .execute<{ last_seq: string; last_hash: string }[]>(
          'select last_seq, last_hash from event_streams where organization_id = ? for update',
          [organizationId],
          'all',
          em.getTransactionContext<Knex.Transaction>(),
        );
      if (!head || Number(head.last_seq) === 0) return null;
      const seq = Number(head.last_seq);
      const latest = await this.checkpoints.latest(em, organizationId);
      if (latest && latest.seq === seq) return reason === 'periodic' ? null : latest;
      // a periodic run after nothing but the last checkpoint's own event would sign forever
      if (latest && reason === 'periodic' && latest.seq === seq - 1) return null;
      return this.sign(context, { organizationId, seq, hash: head.last_hash, at: this.clock.now().toISOString() }, reason);
    });
    return result;
  }

  private async sign(context: CommandContext, payload: CheckpointPayload, reason: CheckpointReason): Promise<Checkpoint> {
    const keys = this.keys();
    const { jws, kid } = keys.signCompact({ ...payload }, CHECKPOINT_TYP);
    const checkpoint: Checkpoint = { id: this.ids.uuid(), ...payload, kid, reason, jws };
    await this.checkpoints.insert(context.em, checkpoint, keys.jwks().keys.find((key) => key.kid === kid) ?? {});
    context.record({
      type: 'audit.checkpoint_signed',
      organizationId: payload.organizationId,
      subject: { type: 'audit_checkpoint', id: checkpoint.id },
      payload: { seq: payload.seq, hash: payload.hash, kid, reason },
    });
    return checkpoint;
  }

  /**
   * A past event's hash is signed only when the chain from it still reaches the next signed
   * checkpoint intact: the signature must not launder an event altered since.
   */
  private async assertLinkedToNextCheckpoint(em: EntityManager, organizationId: string, event: StoredEvent): Promise<void> {
    const next = await this.checkpoints.firstAfter(em, organizationId, event.seq);
    const verifier = new ChainVerifier({ seq: event.seq - 1, hash: event.prevHash });
    verifier.add(event);
    let last = event;
    while (next && last.seq < next.seq && verifier.result().valid) {
      const batch = await this.store.readAfter(em, organizationId, { afterSeq: last.seq, untilSeq: next.seq, types: null, limit: 1000 });
      if (!batch.length) break;
      for (const later of batch) verifier.add(later);
      last = batch[batch.length - 1];
    }
    if (!verifier.result().valid || (next && (last.seq !== next.seq || last.hash !== next.hash))) {
      throw new DomainError('AUDIT.CHAIN_BROKEN', 'conflict', `The chain does not verify from seq ${event.seq}: run audit:verify; nothing was signed`);
    }
  }
}
