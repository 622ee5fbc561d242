import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { DigestWeek } from '../../domain/weekly-digest';

/** Mails the organization's digest of `week` to the users who chose it, once; answers how many were mailed. */
export class SendWeeklyDigestCommand extends Command<number> {
  constructor(
    readonly actor: Actor,
    readonly organizationId: string,
    readonly week: DigestWeek,
  ) {
    super();
  }
}
