import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { EventConsumers } from '../../infrastructure/event-store/event-consumers';
import { TeamsModule } from '../teams';
import { MailTemplates } from '../../infrastructure/mail/mail-templates';
import { AccessPolicyModule } from '../access-policy';
import { UsersModule } from '../users';
import { OrganizationsModule } from '../organizations';
import { ApplyRetentionHandler } from './commands/apply-retention/apply-retention.handler';
import { ReadModelRetention } from './infrastructure/read-model-retention';
import { EventStorePrune } from './infrastructure/event-store-prune';
import { RetentionRun } from './jobs/retention-run';
import { RetentionScheduler } from './jobs/retention-scheduler';
import { AUDIT_QUEUE } from './audit.constants';
import { CreateCheckpointHandler } from './commands/create-checkpoint/create-checkpoint.handler';
import { CreateWebhookHandler } from './commands/create-webhook/create-webhook.handler';
import { DeleteWebhookHandler } from './commands/delete-webhook/delete-webhook.handler';
import { PauseWebhookHandler } from './commands/pause-webhook/pause-webhook.handler';
import { AuditController } from './http/audit.controller';
import { renderWebhookPaused, WEBHOOK_PAUSED_TEMPLATE } from './infrastructure/webhook-paused.template';
import { WebhooksRepository } from './infrastructure/webhooks.repository';
import { WebhookDispatcher } from './jobs/webhook-dispatcher';
import { WebhookFanout } from './projections/webhook-fanout.consumer';
import { ListWebhookDeliveriesHandler } from './queries/list-webhook-deliveries/list-webhook-deliveries.handler';
import { ListWebhooksHandler } from './queries/list-webhooks/list-webhooks.handler';
import { AuditLogRebuild } from './infrastructure/audit-log-rebuild';
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
  constructor(
    private readonly consumers: EventConsumers,
    private readonly templates: MailTemplates,
    private readonly retention: ReadModelRetention,
  ) {}

  static register(options: { workers: boolean }): DynamicModule {
    return {
      module: AuditModule,
      imports: [BullModule.registerQueue({ name: AUDIT_QUEUE }), AccessPolicyModule, TeamsModule, UsersModule, OrganizationsModule],
      controllers: [AuditController],
      providers: [
        ListAuditEventsHandler,
        VerifyChainHandler,
        ExportEventsHandler,
        ListCheckpointsHandler,
        CreateCheckpointHandler,
        CheckpointsRepository,
        WebhooksRepository,
        AuditLogRebuild,
        ReadModelRetention,
        EventStorePrune,
        ApplyRetentionHandler,
        RetentionRun,
        CreateWebhookHandler,
        DeleteWebhookHandler,
        PauseWebhookHandler,
        ListWebhooksHandler,
        ListWebhookDeliveriesHandler,
        ...(options.workers ? [AuditLogProjector, CheckpointScheduler, RetentionScheduler, WebhookFanout, WebhookDispatcher] : []),
      ],
    };
  }

  onModuleInit(): void {
    this.consumers.register(AUDIT_QUEUE);
    this.templates.register(WEBHOOK_PAUSED_TEMPLATE, renderWebhookPaused);
    this.retention.register({ table: 'audit_log', timeColumn: 'occurred_at' });
  }
}
