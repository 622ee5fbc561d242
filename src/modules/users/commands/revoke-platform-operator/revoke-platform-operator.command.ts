import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';

/** An operator ends another operator's grant. */
export class RevokePlatformOperatorCommand extends Command<void> {
  constructor(
    readonly by: Principal,
    readonly userId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
