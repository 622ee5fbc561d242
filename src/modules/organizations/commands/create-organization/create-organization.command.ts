import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { OperatorCaller } from '../../../users';

export interface CreatedOrganization {
  id: string;
  slug: string;
  name: string;
  adminUserId: string;
  /** The first Administrator's one-time setup token when no password was given. */
  invitationToken: string | null;
}

export class CreateOrganizationCommand extends Command<CreatedOrganization> {
  constructor(
    readonly name: string,
    readonly slug: string,
    readonly adminEmail: string,
    readonly actor: Actor,
    readonly options: {
      adminPasswordHash?: string | null;
      /** The first Administrator becomes a platform operator (the bootstrap organization's). */
      platformOperator?: boolean;
      via?: string;
      sendInvitation?: boolean;
      /** The user asking; anyone but the system itself must hold a platform-operator grant. */
      requestedBy?: OperatorCaller;
    } = {},
  ) {
    super();
  }
}
