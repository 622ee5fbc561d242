import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';

/** Mails the organization's alerts that waited for the end of the mail interval (a digest); answers the Administrators mailed. */
export class SendAlertDigestCommand extends Command<number> {
  constructor(
    readonly actor: Actor,
    readonly organizationId: string,
  ) {
    super();
  }
}
