import { Query } from '@nestjs/cqrs';

export interface InvitationPreview {
  organizationId: string;
  email: string | null;
  role: string;
  inviterName: string | null;
  expiresAt: Date;
}

/** What the invitee sees before accepting; refused when the link is used, revoked or expired. */
export class PreviewInvitationQuery extends Query<InvitationPreview> {
  constructor(readonly token: string) {
    super();
  }
}
