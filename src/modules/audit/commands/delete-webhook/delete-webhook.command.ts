import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';

/** Removes a webhook and its delivery log; another organization's webhook is not found. */
export class DeleteWebhookCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly organizationId: string,
    readonly webhookId: string,
  ) {
    super();
  }
}
