import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Webhook } from '../../infrastructure/webhooks.repository';

/** Subscribes a URL to event types of the organization; answers the secret once. */
export class CreateWebhookCommand extends Command<{ webhook: Webhook; secret: string }> {
  constructor(
    readonly actor: Actor,
    readonly organizationId: string,
    readonly url: string,
    readonly eventTypes: string[],
  ) {
    super();
  }
}
