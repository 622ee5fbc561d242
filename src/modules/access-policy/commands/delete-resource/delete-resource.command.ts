import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';

/** Deletes a resource and every grant on it. */
export class DeleteResourceCommand extends Command<void> {
  constructor(
    readonly principal: Principal,
    readonly resourceId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
