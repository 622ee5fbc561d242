import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';

export const MAX_BATCH_ROWS = 1000;

/** One row's outcome; `row` counts from 1 (a CSV's header is not a row). */
export interface BatchInvitationResult {
  row: number;
  email: string | null;
  status: 'invited' | 'resent' | 'error';
  invitationId?: string;
  error?: { code: string; message: string; field: string | null };
}

/** Invites up to MAX_BATCH_ROWS people; each row succeeds or fails on its own. */
export class InviteUsersBatchCommand extends Command<BatchInvitationResult[]> {
  constructor(
    readonly principal: Principal,
    /** `{ email, role }` objects as sent (JSON) or read from CSV; each is checked here. */
    readonly rows: unknown[],
    readonly actor: Actor,
  ) {
    super();
  }
}
