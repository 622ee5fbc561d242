import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { SessionEndReason } from '../../domain/session.entity';

export interface RevokeSessionsScope {
  organizationId: string;
  userId: string;
  /** One session; absent for all of the user's sessions. */
  sessionId?: string;
  /** A session to keep (the caller's own, when signing out "all others"). */
  exceptSessionId?: string;
}

/** Ends sessions at once: their refresh tokens stop working and their access tokens on the next request. */
export class RevokeSessionsCommand extends Command<{ revoked: number }> {
  constructor(
    readonly scope: RevokeSessionsScope,
    readonly reason: SessionEndReason,
    readonly actor: Actor,
  ) {
    super();
  }
}
