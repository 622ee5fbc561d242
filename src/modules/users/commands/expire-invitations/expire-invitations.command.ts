import { Command } from '@nestjs/cqrs';

export const EXPIRY_BATCH_SIZE = 500;

/** Marks up to `limit` pending invitations past their expiry as expired, in every organization; answers how many. */
export class ExpireInvitationsCommand extends Command<number> {
  constructor(readonly limit: number = EXPIRY_BATCH_SIZE) {
    super();
  }
}
