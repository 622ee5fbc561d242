import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { SamlConnectionView } from '../../http/saml-connection.response';

export class SaveSamlConnectionCommand extends Command<SamlConnectionView> {
  constructor(
    readonly organizationId: string,
    readonly body: unknown,
    readonly expectedVersion: number | undefined,
    readonly actor: Actor,
  ) {
    super();
  }
}
