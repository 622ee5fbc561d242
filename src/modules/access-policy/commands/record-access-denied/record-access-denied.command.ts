import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';

export interface DeniedAccess {
  userId: string;
  method: string;
  route: string;
  required: string[];
  code: string;
}

/** A refused request, recorded as `access.denied` for the security teams. */
export class RecordAccessDeniedCommand extends Command<void> {
  constructor(
    readonly organizationId: string,
    readonly actor: Actor,
    readonly denied: DeniedAccess,
  ) {
    super();
  }
}
