import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';
import type { GrantView } from '../../queries/resource.view';

export interface GrantInputRequest {
  principal: { type: 'user' | 'team' | 'role'; id: string };
  actions: string[];
  expiresAt?: string;
}

/** Replaces a resource's grants with `grants`. */
export class SetResourceGrantsCommand extends Command<GrantView[]> {
  constructor(
    readonly principal: Principal,
    readonly resourceId: string,
    readonly grants: GrantInputRequest[],
    readonly actor: Actor,
  ) {
    super();
  }
}
