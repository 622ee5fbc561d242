import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';

export interface RetentionOutcome {
  organizationId: string;
  /** Rows dated before this went; null when nothing was old enough. */
  boundary: string;
  /** The checkpoint signed (or found) at the last event before the boundary. */
  checkpointSeq: number | null;
  /** Rows removed, by read model. */
  deleted: Record<string, number>;
}

/**
 * Applies the organization's audit retention to the read models: signs the chain at the
 * last event before the boundary first, then removes older rows from every registered read
 * model in transactions of at most `AUDIT_RETENTION_BATCH_ROWS` rows a model, each recording
 * `audit.retention_applied` with what it removed. The event store is not touched.
 */
export class ApplyRetentionCommand extends Command<RetentionOutcome> {
  constructor(
    readonly actor: Actor,
    readonly organizationId: string,
    readonly retentionDays: number,
    /** Told what has gone so far after each full batch, while more may remain (the command line's progress). */
    readonly onBatch?: (soFar: RetentionOutcome) => void,
  ) {
    super();
  }
}
