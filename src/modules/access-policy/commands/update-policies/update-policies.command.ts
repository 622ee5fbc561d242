import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { VersionedPolicy } from '../../contracts/policy-store';

export class UpdatePoliciesCommand extends Command<VersionedPolicy> {
  constructor(
    readonly organizationId: string,
    readonly document: unknown,
    /** The version the caller read (If-Match); undefined to overwrite. */
    readonly expectedVersion: number | undefined,
    readonly actor: Actor,
    /** The administrator making the change, whom the self-lockout guard protects. */
    readonly caller: { userId: string; role: string },
    /** The caller accepts that the change locks them out. */
    readonly confirmSelfLockout = false,
  ) {
    super();
  }
}
