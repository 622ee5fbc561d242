export { AuditModule } from './audit.module';
// the command-line tools (src/cli/audit.ts) run these through the same application context
export { AuditLogRebuild } from './infrastructure/audit-log-rebuild';
export { ExportEventsQuery } from './queries/export-events/export-events.query';
export { VerifyChainQuery } from './queries/verify-chain/verify-chain.query';
export { AUDIT_EVENTS } from './contracts/audit.events';
export { eventCatalogueComponents } from './http/event-types.openapi';
export { describeCatalogue } from './queries/list-event-types/list-event-types.handler';
export { RetentionRun } from './jobs/retention-run';
export { ReadModelRetention, type RetainedReadModel } from './infrastructure/read-model-retention';
export { EventStorePrune, type PruneStep } from './infrastructure/event-store-prune';
