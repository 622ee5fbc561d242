import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { OperatorCaller } from '../../../users';

/** A platform operator rotates the key that signs access tokens. */
export class RotateSigningKeyCommand extends Command<{ kid: string; retired: string[] }> {
  constructor(
    readonly actor: Actor & { organizationId: string },
    /** Who asks: they must hold a platform-operator grant when the command runs. */
    readonly by: OperatorCaller,
  ) {
    super();
  }
}
