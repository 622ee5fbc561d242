import { Query } from '@nestjs/cqrs';

export interface SessionView {
  id: string;
  current: boolean;
  authMethod: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
}

/** A user's live sessions, newest first. */
export class ListSessionsQuery extends Query<SessionView[]> {
  constructor(
    readonly organizationId: string,
    readonly userId: string,
    readonly currentSessionId: string | null,
  ) {
    super();
  }
}
