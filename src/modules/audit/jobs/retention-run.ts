import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EventPartitions } from '../../../infrastructure/event-store/event-partitions';
import { systemActor } from '../../../shared/actor';
import { OrganizationDirectory } from '../../organizations';
import { ApplyRetentionCommand, type RetentionOutcome } from '../commands/apply-retention/apply-retention.command';

/** One retention pass: the coming months' partitions, then every organization's retention (the scheduler and `npm run audit:retention`). */
@Injectable()
export class RetentionRun {
  constructor(
    private readonly commands: CommandBus,
    private readonly organizations: OrganizationDirectory,
    private readonly partitions: EventPartitions,
  ) {}

  async runOnce(onProgress: (outcome: RetentionOutcome) => void = () => undefined): Promise<RetentionOutcome[]> {
    await this.partitions.ensureAhead();
    const outcomes: RetentionOutcome[] = [];
    for (const { id, auditRetentionDays } of await this.organizations.withAuditRetention()) {
      // a long first retention reports each batch too, with what has gone so far
      const outcome = await this.commands.execute(new ApplyRetentionCommand(systemActor('retention'), id, auditRetentionDays, onProgress));
      onProgress(outcome);
      outcomes.push(outcome);
    }
    return outcomes;
  }
}
