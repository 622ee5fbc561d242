import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { EventConsumers } from '../../infrastructure/event-store/event-consumers';
import { AccessPolicyModule } from '../access-policy';
import { AUDIT_QUEUE } from './audit.constants';
import { CreateCheckpointHandler } from './commands/create-checkpoint/create-checkpoint.handler';
import { AuditController } from './http/audit.controller';
import { CheckpointsRepository } from './infrastructure/checkpoints.repository';
import { CheckpointScheduler } from './jobs/checkpoint-scheduler';
import { ListCheckpointsHandler } from './queries/list-checkpoints/list-checkpoints.handler';
import { AuditLogProjector } from './projections/audit-log.projector';
import { ExportEventsHandler } from './queries/export-events/export-events.handler';
import { ListAuditEventsHandler } from './queries/list-audit-events/list-audit-events.handler';
import { VerifyChainHandler } from './queries/verify-chain/verify-chain.handler';

/** The read side of the audit trail. Its projector runs only where workers run. */
@Module({})
export class AuditModule implements OnModuleInit {
  constructor(private readonly consumers: EventConsumers) {}

  static register(options: { workers: boolean }): DynamicModule {
    return {
      module: AuditModule,
      imports: [BullModule.registerQueue({ name: AUDIT_QUEUE }), AccessPolicyModule],
      controllers: [AuditController],
      providers: [
        ListAuditEventsHandler,
        VerifyChainHandler,
        ExportEventsHandler,
        ListCheckpointsHandler,
        CreateCheckpointHandler,
        CheckpointsRepository,
        ...(options.workers ? [AuditLogProjector, CheckpointScheduler] : []),
      ],
    };
  }

  onModuleInit(): void {
    this.consumers.register(AUDIT_QUEUE);
  }
}
