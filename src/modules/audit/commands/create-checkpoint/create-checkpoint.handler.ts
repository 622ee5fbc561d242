import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ModuleRef } from '@nestjs/core';
import type { Knex } from '@mikro-orm/postgresql';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { IdGenerator } from '../../../../shared/ids';
import { SigningKeys } from '../../../auth';
import { CHECKPOINT_TYP, type CheckpointPayload } from '../../domain/checkpoint-jws';
import { CheckpointsRepository, type Checkpoint } from '../../infrastructure/checkpoints.repository';
import { CreateCheckpointCommand } from './create-checkpoint.command';

@CommandHandler(CreateCheckpointCommand)
export class CreateCheckpointHandler implements ICommandHandler<CreateCheckpointCommand, Checkpoint | null> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly checkpoints: CheckpointsRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Auth's public face, looked up rather than imported as a module: AuthModule is registered once, by the app. */
  private keys(): SigningKeys {
    return this.moduleRef.get(SigningKeys, { strict: false });
  }

  async execute({ actor, organizationId, reason }: CreateCheckpointCommand): Promise<Checkpoint | null> {
    const { result } = await this.uow.run({ actor, organizationId }, async (context) => {
      const { em } = context;
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
      const payload: CheckpointPayload = { organizationId, seq, hash: head.last_hash, at: this.clock.now().toISOString() };
      const keys = this.keys();
      const { jws, kid } = keys.signCompact({ ...payload }, CHECKPOINT_TYP);
      const checkpoint: Checkpoint = { id: this.ids.uuid(), ...payload, kid, reason, jws };
      await this.checkpoints.insert(em, checkpoint, keys.jwks().keys.find((key) => key.kid === kid) ?? {});
      context.record({
        type: 'audit.checkpoint_signed',
        organizationId,
        subject: { type: 'audit_checkpoint', id: checkpoint.id },
        payload: { seq, hash: head.last_hash, kid, reason },
      });
      return checkpoint;
    });
    return result;
  }
}
