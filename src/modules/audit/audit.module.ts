import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { EventConsumers } from '../../infrastructure/event-store/event-consumers';
import { TeamsModule } from '../teams';
import { MailTemplates } from '../../infrastructure/mail/mail-templates';
import { AccessPolicyModule } from '../access-policy';
import { NotificationsModule } from '../notifications';
import { PersonalRecords, UsersModule } from '../users';
import { OrganizationsModule } from '../organizations';
import { ApplyRetentionHandler } from './commands/apply-retention/apply-retention.handler';
import { ReadModelRetention } from './infrastructure/read-model-retention';
import { EventStorePrune } from './infrastructure/event-store-prune';
import { RetentionRun } from './jobs/retention-run';
import { RetentionScheduler } from './jobs/retention-scheduler';
import { AlertDigestScheduler } from './jobs/alert-digest-scheduler';
import { WeeklyDigestScheduler } from './jobs/weekly-digest-scheduler';
import { SendWeeklyDigestHandler } from './commands/send-weekly-digest/send-weekly-digest.handler';
import { WeeklyDigestMail } from './infrastructure/weekly-digest-mail';
import { WEEKLY_DIGEST_TEMPLATE, renderWeeklyDigest } from './infrastructure/weekly-digest.template';
import { SendAlertDigestHandler } from './commands/send-alert-digest/send-alert-digest.handler';
import { SecurityAlertMail } from './infrastructure/security-alert-mail';
import { AuditPersonalRecords } from './infrastructure/audit-personal-records';
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
import { AUDIT_READ_MODELS } from './projections/read-models';
import { ExportEventsHandler } from './queries/export-events/export-events.handler';
import { ListEventTypesHandler } from './queries/list-event-types/list-event-types.handler';
import { ListAuditEventsHandler } from './queries/list-audit-events/list-audit-events.handler';
import { ListLoginsHandler } from './queries/list-logins/list-logins.handler';
import { ListPermissionChangesHandler } from './queries/list-permission-changes/list-permission-changes.handler';
import { VerifyChainHandler } from './queries/verify-chain/verify-chain.handler';
import { RaiseSecurityAlertsHandler } from './commands/raise-security-alerts/raise-security-alerts.handler';
import { TriageSecurityAlertHandler } from './commands/triage-security-alert/triage-security-alert.handler';
import { SecurityEventsController } from './http/security-events.controller';
import { renderSecurityAlert, SECURITY_ALERT_TEMPLATE } from './infrastructure/security-alert.template';
import { SecurityAlertsRepository } from './infrastructure/security-alerts.repository';
import { SecurityDetectorState } from './infrastructure/security-detector-state';
import { SecurityDetector } from './projections/security-detector.consumer';
import { GetSecurityAlertHandler } from './queries/get-security-alert/get-security-alert.handler';
import { ListSecurityAlertsHandler } from './queries/list-security-alerts/list-security-alerts.handler';

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
      imports: [BullModule.registerQueue({ name: AUDIT_QUEUE }), AccessPolicyModule, TeamsModule, UsersModule, OrganizationsModule, NotificationsModule],
      controllers: [AuditController, SecurityEventsController],
      providers: [
        ListAuditEventsHandler,
        ListEventTypesHandler,
        ListLoginsHandler,
        ListPermissionChangesHandler,
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
        SecurityAlertsRepository,
        SecurityDetectorState,
        RaiseSecurityAlertsHandler,
        SecurityAlertMail,
        SendAlertDigestHandler,
        // users' port: a removal erases the person's name from the read models in its transaction
        AuditPersonalRecords,
        { provide: PersonalRecords, useExisting: AuditPersonalRecords },
        WeeklyDigestMail,
        SendWeeklyDigestHandler,
        TriageSecurityAlertHandler,
        ListSecurityAlertsHandler,
        GetSecurityAlertHandler,
        ...(options.workers ? [AuditLogProjector, CheckpointScheduler, RetentionScheduler, WebhookFanout, WebhookDispatcher] : []),
        ...(options.workers ? [SecurityDetector, AlertDigestScheduler, WeeklyDigestScheduler] : []),
      ],
    };
  }

  onModuleInit(): void {
    this.consumers.register(AUDIT_QUEUE);
    this.templates.register(WEBHOOK_PAUSED_TEMPLATE, renderWebhookPaused);
    this.templates.register(SECURITY_ALERT_TEMPLATE, renderSecurityAlert);
    this.templates.register(WEEKLY_DIGEST_TEMPLATE, renderWeeklyDigest);
    // every read model the projector fills is trimmed to the organization's retention
    for (const model of AUDIT_READ_MODELS) this.retention.register({ table: model.table, timeColumn: 'occurred_at' });
  }
}
