import { Query } from '@nestjs/cqrs';
import type { Page } from '../../../../shared/pagination';

export interface LoginView {
  id: string;
  seq: number;
  type: string;
  result: 'success' | 'failure';
  method: string;
  reason: string | null;
  user: { id: string | null; name: string | null };
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  sessionId: string | null;
  apiKeyId: string | null;
  connectionId: string | null;
  occurredAt: string;
}

export interface LoginFilter {
  userId?: string;
  result?: 'success' | 'failure';
  method?: string;
  ip?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
}

/** Login history: every sign-in and failure, newest first, by keyset on seq. */
export class ListLoginsQuery extends Query<Page<LoginView>> {
  constructor(
    readonly organizationId: string,
    readonly filter: LoginFilter,
  ) {
    super();
  }
}
