import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';
import type { ResourceView } from '../../queries/resource.view';

export class RegisterResourceCommand extends Command<ResourceView> {
  constructor(
    readonly principal: Principal,
    readonly input: { type: string; externalId: string; name: string; teamId: string | null },
    readonly actor: Actor,
  ) {
    super();
  }
}
