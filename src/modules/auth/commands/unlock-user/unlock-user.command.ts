import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';

/** An administrator lifts a sign-in lockout before it runs out. */
export class UnlockUserCommand extends Command<{ wasLocked: boolean }> {
  constructor(
    readonly organizationId: string,
    readonly userId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
