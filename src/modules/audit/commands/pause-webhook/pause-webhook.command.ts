import { Command } from '@nestjs/cqrs';

/** The dispatcher gives up on a target that keeps failing, and tells the administrators. */
export class PauseWebhookCommand extends Command<boolean> {
  constructor(
    readonly organizationId: string,
    readonly webhookId: string,
    readonly consecutiveFailures: number,
  ) {
    super();
  }
}
