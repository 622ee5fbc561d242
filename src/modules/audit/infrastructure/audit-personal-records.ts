import { Injectable } from '@nestjs/common';
import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';
import { PersonalRecords } from '../../users';
import { eraseUserRows } from '../projections/read-models';

/** The audit read models' part of a removal (users' PersonalRecords port): the person's name becomes "removed user" in the removal's transaction. */
@Injectable()
export class AuditPersonalRecords extends PersonalRecords {
  async eraseUser(context: CommandContext, organizationId: string, userId: string): Promise<void> {
    await eraseUserRows(context.em, organizationId, userId);
  }
}
