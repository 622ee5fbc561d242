import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { OrganizationChanges } from '../../domain/organization.entity';
import type { OrganizationSummary } from '../../contracts/organization-directory';

/** Changes the caller's organization: its name, slug or settings (audit retention). */
export class UpdateOrganizationCommand extends Command<OrganizationSummary> {
  constructor(
    readonly organizationId: string,
    readonly changes: OrganizationChanges,
    /** The version the caller read (If-Match); undefined to overwrite. */
    readonly expectedVersion: number | undefined,
    readonly actor: Actor,
  ) {
    super();
  }
}
