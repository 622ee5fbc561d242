import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';
import type { PlatformOperatorView } from '../../queries/list-platform-operators/platform-operator.view';

/** An operator makes an active Administrator of their organization a platform operator too. */
export class GrantPlatformOperatorCommand extends Command<{ operator: PlatformOperatorView; granted: boolean }> {
  constructor(
    readonly by: Principal,
    readonly userId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
