import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';
import { DomainError } from '../../../shared/domain-error';
import { recordEvent } from '../../../shared/domain-event';

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export const INVITATION_TTL_DAYS = 7;

/** A single-use invitation; only the SHA-256 of its token is stored. */
@Entity({ tableName: 'invitations' })
@TenantOwned()
export class Invitation {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'text', nullable: true })
  emailNormalized!: string | null;

  @Property({ type: 'text' })
  role!: string;

  @Property({ type: 'text' })
  tokenHash!: string;

  @Property({ type: 'text' })
  status!: InvitationStatus;

  @Property({ type: 'uuid', nullable: true })
  invitedBy!: string | null;

  @Property({ type: 'Date' })
  expiresAt!: Date;

  @Property({ type: 'Date' })
  createdAt!: Date;

  @Property({ type: 'Date', nullable: true })
  acceptedAt!: Date | null;

  @Property({ type: 'Date', nullable: true })
  revokedAt!: Date | null;

  /** When a new link was last sent (the old one stopped working then). */
  @Property({ type: 'Date', nullable: true })
  resentAt: Date | null = null;

  /** Teams the invitee joins on accepting (teams arrive with their own issue; always empty now). */
  @Property({ type: 'json' })
  teamIds: string[] & Opt = [];

  static issue(input: {
    id: string;
    organizationId: string;
    userId: string;
    emailNormalized: string;
    role: string;
    tokenHash: string;
    invitedBy: string | null;
    now: Date;
    ttlDays?: number;
  }): Invitation {
    const invitation = new Invitation();
    Object.assign(invitation, {
      id: input.id,
      organizationId: input.organizationId,
      userId: input.userId,
      emailNormalized: input.emailNormalized,
      role: input.role,
      tokenHash: input.tokenHash,
      status: 'pending',
      invitedBy: input.invitedBy,
      createdAt: input.now,
      expiresAt: new Date(input.now.getTime() + (input.ttlDays ?? INVITATION_TTL_DAYS) * 86_400_000),
      acceptedAt: null,
      revokedAt: null,
    });
    recordEvent(invitation, {
      type: 'user.invited',
      organizationId: input.organizationId,
      subject: { type: 'user', id: input.userId },
      payload: { invitationId: input.id, role: input.role, invitedBy: input.invitedBy, expiresAt: invitation.expiresAt.toISOString() },
    });
    return invitation;
  }

  /** Why this invitation cannot be used now, or null when it can. */
  unusableReason(now: Date): 'accepted' | 'revoked' | 'expired' | null {
    if (this.status === 'accepted') return 'accepted';
    if (this.status === 'revoked') return 'revoked';
    if (this.status === 'expired') return 'expired';
    return this.expiresAt <= now ? 'expired' : null;
  }

  /**
   * A new link: the old token stops working, the expiry restarts and the invitation is
   * pending again (also when it had expired). Used or revoked invitations cannot be resent.
   */
  resend(input: { tokenHash: string; now: Date; ttlDays: number }): void {
    if (this.status === 'accepted' || this.status === 'revoked') {
      throw new DomainError(
        'INVITATIONS.NOT_RESENDABLE',
        'conflict',
        this.status === 'accepted' ? 'This invitation has already been accepted' : 'This invitation was revoked; invite the person again',
      );
    }
    this.tokenHash = input.tokenHash;
    this.status = 'pending';
    this.resentAt = input.now;
    this.expiresAt = new Date(input.now.getTime() + input.ttlDays * 86_400_000);
    recordEvent(this, {
      type: 'invitation.resent',
      organizationId: this.organizationId,
      subject: { type: 'invitation', id: this.id },
      payload: { userId: this.userId, role: this.role, expiresAt: this.expiresAt.toISOString() },
    });
  }

  /** The link stops working for good; revoking a revoked invitation changes nothing. */
  revoke(now: Date): void {
    if (this.status === 'revoked') return;
    if (this.status === 'accepted') {
      throw new DomainError('INVITATIONS.NOT_REVOCABLE', 'conflict', 'This invitation has already been accepted');
    }
    this.status = 'revoked';
    this.revokedAt = now;
    recordEvent(this, {
      type: 'invitation.revoked',
      organizationId: this.organizationId,
      subject: { type: 'invitation', id: this.id },
      payload: { userId: this.userId, role: this.role },
    });
  }

  /** Marks a pending invitation past its expiry as expired (the periodic sweep). */
  expire(now: Date): void {
    if (this.status !== 'pending' || this.expiresAt > now) return;
    this.status = 'expired';
    recordEvent(this, {
      type: 'invitation.expired',
      organizationId: this.organizationId,
      subject: { type: 'invitation', id: this.id },
      payload: { userId: this.userId, expiresAt: this.expiresAt.toISOString() },
    });
  }

  accept(now: Date): void {
    const reason = this.unusableReason(now);
    if (reason) throw new InvitationUnusableError(reason);
    this.status = 'accepted';
    this.acceptedAt = now;
    recordEvent(this, {
      type: 'invitation.accepted',
      organizationId: this.organizationId,
      subject: { type: 'invitation', id: this.id },
      payload: { userId: this.userId },
    });
  }
}

export class InvitationUnusableError extends DomainError {
  constructor(readonly reason: 'accepted' | 'revoked' | 'expired' | 'unknown') {
    const messages = {
      accepted: 'This invitation has already been used',
      revoked: 'This invitation was revoked; ask an administrator for a new one',
      expired: 'This invitation has expired; ask an administrator to resend it',
      unknown: 'This invitation link is not valid',
    };
    super(`INVITATIONS.${reason.toUpperCase()}`, reason === 'unknown' ? 'not_found' : 'conflict', messages[reason]);
  }
}
