import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { UserRef } from '../../infrastructure/acting-user';
import type { RecoveryCodes } from '../../infrastructure/mfa';

/** Replaces the recovery codes; needs a current code. */
export class RegenerateRecoveryCodesCommand extends Command<RecoveryCodes> {
  constructor(
    readonly user: UserRef,
    readonly code: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
