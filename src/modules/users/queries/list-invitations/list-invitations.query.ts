import { Query } from '@nestjs/cqrs';
import type { Page } from '../../../../shared/pagination';
import type { InvitationStatus } from '../../domain/invitation.entity';

export interface InvitationView {
  id: string;
  /** The invitee's address; null once their account is removed. */
  email: string | null;
  role: string;
  /** `expired` also for a pending invitation past its expiry the sweep has not marked yet. */
  status: InvitationStatus;
  invitedBy: string | null;
  expiresAt: Date;
  createdAt: Date;
  resentAt: Date | null;
}

export interface InvitationFilter {
  status?: InvitationStatus;
  limit: number;
  cursor?: string;
}

/** The organization's invitations, newest first, a keyset page at a time. */
export class ListInvitationsQuery extends Query<Page<InvitationView>> {
  constructor(
    readonly organizationId: string,
    readonly filter: InvitationFilter,
  ) {
    super();
  }
}
